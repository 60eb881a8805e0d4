namespace Portable.Functions;

/// <summary>
/// The CloudEvents 1.0 context attributes of an event. Every non-HTTP trigger on every platform is presented with
/// these attributes; <see cref="FunctionEvent{TData}"/> adds the bound data.
/// </summary>
public abstract class FunctionEvent
{
    /// <summary>
    /// The CloudEvents <c>type</c> of an event made from a plain HTTP request — a body posted to an event function
    /// that is not a CloudEvent: <c>dev.portablefunctions.http.request</c>. Its id is the invocation id, its source the
    /// request path, its <c>datacontenttype</c> the request's <c>Content-Type</c>.
    /// </summary>
    public const string HttpRequestType = "dev.portablefunctions.http.request";

    private static readonly IReadOnlyDictionary<string, string> NoExtensions =
        new Dictionary<string, string>(0, StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="FunctionEvent"/> class.</summary>
    /// <param name="id">The event id.</param>
    /// <param name="source">The event source (a URI reference).</param>
    /// <param name="type">The event type.</param>
    private protected FunctionEvent(string id, string source, string type)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(type);
        Id = id;
        Source = source;
        Type = type;
    }

    /// <summary>Gets the CloudEvents <c>specversion</c>.</summary>
    /// <value>The default value is <c>1.0</c>.</value>
    public string SpecVersion { get; init; } = "1.0";

    /// <summary>Gets the CloudEvents <c>id</c>: unique within the source (an SQS message id, a Pub/Sub message id, …).</summary>
    public string Id { get; }

    /// <summary>Gets the CloudEvents <c>source</c>: a URI reference naming where the event came from.</summary>
    public string Source { get; }

    /// <summary>Gets the CloudEvents <c>type</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the CloudEvents <c>subject</c>, or <see langword="null"/>.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the CloudEvents <c>time</c>, or <see langword="null"/>.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Gets the CloudEvents <c>datacontenttype</c>, or <see langword="null"/>.</summary>
    public string? DataContentType { get; init; }

    /// <summary>Gets the CloudEvents <c>dataschema</c>, or <see langword="null"/>.</summary>
    public string? DataSchema { get; init; }

    /// <summary>
    /// Gets the extension attributes in their canonical string form, by lower-case name (message attributes,
    /// <c>traceparent</c>, …).
    /// </summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = NoExtensions;
}

/// <summary>An event with its CloudEvents attributes and its data bound to <typeparamref name="TData"/>.</summary>
/// <typeparam name="TData">The type of the data.</typeparam>
public sealed class FunctionEvent<TData> : FunctionEvent
{
    /// <summary>Initializes a new instance of the <see cref="FunctionEvent{TData}"/> class.</summary>
    /// <param name="id">The event id.</param>
    /// <param name="source">The event source (a URI reference).</param>
    /// <param name="type">The event type.</param>
    /// <param name="data">The bound data.</param>
    public FunctionEvent(string id, string source, string type, TData data)
        : base(id, source, type)
    {
        Data = data;
    }

    /// <summary>Gets the bound data.</summary>
    public TData Data { get; }
}
