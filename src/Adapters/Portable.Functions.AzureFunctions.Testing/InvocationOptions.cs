namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>Per-invocation settings: id, trace context, retry context, cancellation, and extra binding data.</summary>
public sealed class InvocationOptions
{
    /// <summary>Gets or sets the invocation id.</summary>
    /// <value>The default value is <see langword="null"/>: a new GUID.</value>
    public string? InvocationId { get; set; }

    /// <summary>Gets or sets the W3C <c>traceparent</c> the host sends, which the worker exposes as <c>FunctionContext.TraceContext.TraceParent</c>.</summary>
    /// <value>The default value is <see langword="null"/>: a new random, sampled trace, as the host always has an activity.</value>
    public string? TraceParent { get; set; }

    /// <summary>Gets or sets the W3C <c>tracestate</c>.</summary>
    /// <value>The default value is <see langword="null"/>: empty.</value>
    public string? TraceState { get; set; }

    /// <summary>Gets the trace attributes (the host's activity tags).</summary>
    public IDictionary<string, string> TraceAttributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the retry count to send as the invocation's retry context. The host sends a retry context only
    /// for functions with a retry policy; set this to send one for any function.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: 0 for functions with a retry policy, no retry context otherwise.</value>
    public int? RetryCount { get; set; }

    /// <summary>Gets or sets the maximum retry count of the retry context.</summary>
    /// <value>The default value is <see langword="null"/>: the function's retry policy, else 0.</value>
    public int? MaxRetryCount { get; set; }

    /// <summary>Gets or sets a delay after which the emulator sends <c>InvocationCancel</c>, as the host does when it cancels an invocation.</summary>
    /// <value>The default value is <see langword="null"/>: never.</value>
    public TimeSpan? CancelAfter { get; set; }

    /// <summary>Gets or sets a token on which the emulator sends <c>InvocationCancel</c>; the result is still awaited.</summary>
    /// <value>The default value is <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancelOn { get; set; }

    /// <summary>Gets or sets how long to wait for the worker's response.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="AzureFunctionsHostEmulatorOptions.InvocationTimeout"/>.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets extra input bindings, or replacements for the ones the emulator builds, by binding name.</summary>
    public IDictionary<string, TypedValue> InputData { get; } = new Dictionary<string, TypedValue>(StringComparer.Ordinal);

    /// <summary>Gets extra trigger metadata, or replacements for the entries the emulator builds, by key.</summary>
    public IDictionary<string, TypedValue> TriggerMetadata { get; } = new Dictionary<string, TypedValue>(StringComparer.Ordinal);
}
