namespace Portable.Functions.AzureFunctions;

/// <summary>
/// Reports to the Azure Functions host that an event invocation did not succeed, so that the platform retries it (and,
/// for a queue message, moves it to the poison queue after the last attempt). Thrown for a rejected, timed-out or
/// aborted event; an event function's own exception is rethrown as it is, so the host names its type.
/// </summary>
public sealed class FunctionFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FunctionFailedException"/> class.</summary>
    public FunctionFailedException()
        : base("The function did not handle the event.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionFailedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public FunctionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionFailedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The exception behind it.</param>
    public FunctionFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionFailedException"/> class from the core's result.</summary>
    /// <param name="result">The result of the invocation.</param>
    public FunctionFailedException(FunctionResult result)
        : base(Describe(result), result?.Exception)
    {
        Result = result;
    }

    /// <summary>Gets the core's result of the invocation, or <see langword="null"/>.</summary>
    public FunctionResult? Result { get; }

    private static string Describe(FunctionResult? result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var problem = result.Problem;
        return problem is null
            ? $"The invocation ended as {result.Status} (invocation {result.InvocationId})."
            : $"{problem.Status} {problem.Title}: {problem.Detail} (invocation {result.InvocationId}).";
    }
}
