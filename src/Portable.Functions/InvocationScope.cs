using System.Collections;

namespace Portable.Functions;

/// <summary>The logger scope of an invocation: its id and the function's name.</summary>
internal sealed class InvocationScope(string invocationId, string functionName) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("InvocationId", invocationId),
        1 => new("FunctionName", functionName),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"InvocationId:{invocationId} FunctionName:{functionName}";
}
