namespace Portable.Functions;

/// <summary>
/// An event as an adapter receives it: CloudEvents attributes plus the undecoded data — or, for the portable data
/// types, the already-decoded value. The core binds the data to the function's data type, so no adapter
/// re-implements binding.
/// </summary>
public sealed class FunctionEventEnvelope
{
    private static readonly IReadOnlyDictionary<string, string> NoExtensions =
        new Dictionary<string, string>(0, StringComparer.Ordinal);

    /// <summary>Gets the CloudEvents <c>specversion</c>.</summary>
    /// <value>The default value is <c>1.0</c>.</value>
    public string SpecVersion { get; init; } = "1.0";

    /// <summary>Gets the CloudEvents <c>id</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the CloudEvents <c>source</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the CloudEvents <c>type</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the CloudEvents <c>subject</c>, or <see langword="null"/>.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the CloudEvents <c>time</c>, or <see langword="null"/>.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Gets the CloudEvents <c>datacontenttype</c>, or <see langword="null"/> (read as JSON).</summary>
    public string? DataContentType { get; init; }

    /// <summary>Gets the CloudEvents <c>dataschema</c>, or <see langword="null"/>.</summary>
    public string? DataSchema { get; init; }

    /// <summary>Gets the extension attributes in canonical string form, by lower-case name.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = NoExtensions;

    /// <summary>Gets the encoded data: JSON unless <see cref="DataContentType"/> says otherwise.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>
    /// Gets data the adapter already decoded into one of the core's portable types (<see cref="StorageObjectChange"/>,
    /// <see cref="ScheduleTick"/>), or <see langword="null"/>. A function whose data type it is receives it as it is, with
    /// no JSON round trip; any other data type binds <see cref="Data"/> as usual (an Azure blob's content, say), or,
    /// when there is no encoded data, receives the portable value as JSON.
    /// </summary>
    public object? BoundData { get; init; }

    /// <summary>Gets the W3C <c>traceparent</c> carried by the event's distributed-tracing extension, or <see langword="null"/>.</summary>
    public string? TraceParent => Extensions.TryGetValue("traceparent", out var value) ? value : null;
}
