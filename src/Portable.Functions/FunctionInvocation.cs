namespace Portable.Functions;

/// <summary>
/// What an adapter knows about one invocation before it runs: its id, platform, trigger, deadline, trace parent, the
/// platform's own cancellation and service scope, the HTTP request that carried it, and the provider-native objects it
/// offers as features.
/// </summary>
public sealed class FunctionInvocation
{
    private (Type Type, object Value)[]? _features;
    private int _featureCount;

    /// <summary>Gets the platform's invocation id, or <see langword="null"/> to generate one when something reads it.</summary>
    public string? InvocationId { get; init; }

    /// <summary>Gets the platform the invocation runs on.</summary>
    /// <value>The default value is <see cref="FunctionProvider.Local"/>.</value>
    public FunctionProvider Provider { get; init; }

    /// <summary>Gets what triggered the invocation, or <see langword="null"/> to derive it from the function's kind.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: <see cref="FunctionTrigger.Http"/> for typed and HTTP functions,
    /// <see cref="FunctionTrigger.PubSub"/> for event functions.
    /// </value>
    public FunctionTrigger? Trigger { get; init; }

    /// <summary>Gets the platform deadline, or <see langword="null"/> to use <see cref="FunctionsOptions.DefaultTimeout"/>.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Gets the incoming W3C <c>traceparent</c>, or <see langword="null"/>.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Gets the incoming W3C <c>tracestate</c>, or <see langword="null"/>.</summary>
    public string? TraceState { get; init; }

    /// <summary>
    /// Gets the platform's own cancellation of the invocation (the Azure worker's invocation token), separate from the
    /// caller going away: when it fires the handler's token fires and the invocation ends as
    /// <see cref="FunctionStatus.TimedOut"/> (504), where the caller's abort ends it as <see cref="FunctionStatus.Aborted"/>.
    /// </summary>
    public CancellationToken PlatformCancellationToken { get; init; }

    /// <summary>
    /// Gets a value indicating whether <see cref="PlatformCancellationToken"/> is the deadline's own token: the host fires
    /// it at <see cref="Deadline"/> less <see cref="FunctionsOptions.DeadlineGracePeriod"/>, so the core sets no timer of
    /// its own, and when it fires the invocation ends as <see cref="FunctionStatus.TimedOut"/> for missing its deadline
    /// (not as cancelled by the platform). The AWS Lambda runtime does this to keep a timer thread off its cold start.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the core times the deadline itself.</value>
    public bool PlatformEnforcesDeadline { get; init; }

    /// <summary>
    /// Gets a service scope the platform already created for this invocation (the Azure worker's
    /// <c>InstanceServices</c>, ASP.NET Core's <c>HttpContext.RequestServices</c>), or <see langword="null"/> for a new
    /// scope. The core resolves the function and its middleware from it and leaves its disposal to the platform.
    /// </summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>
    /// Gets the HTTP request that carried an event (a CloudEvent or a push delivery over HTTP), or <see langword="null"/>.
    /// It becomes <see cref="FunctionContext.Http"/>, so middleware can read headers such as <c>Authorization</c>
    /// whatever the function's kind. Typed and HTTP invocations carry their request themselves.
    /// </summary>
    public FunctionHttpRequest? HttpRequest { get; init; }

    /// <summary>
    /// Gets how the host sends a streamed response (<see cref="FunctionHttpResponse.BodyWriter"/>): it writes the status
    /// and headers, then runs the body writer against its transport. The core calls it within the invocation — under its
    /// deadline token, in its scope and trace — so a failure while streaming is classified like any other; it finds its
    /// transport through the context's features. Without one, a streamed body is buffered and the response is sent as
    /// usual.
    /// </summary>
    public Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? ResponseStreamer { get; init; }

    /// <summary>Offers a provider-native object to the function through <see cref="FunctionContext.GetFeature{T}"/>.</summary>
    /// <typeparam name="T">The type the feature is found by.</typeparam>
    /// <param name="feature">The feature.</param>
    /// <returns>This instance, for chaining.</returns>
    public FunctionInvocation WithFeature<T>(T feature)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(feature);
        _features ??= new (Type, object)[2];
        if (_featureCount == _features.Length)
        {
            Array.Resize(ref _features, _featureCount * 2);
        }

        _features[_featureCount++] = (typeof(T), feature);
        return this;
    }

    internal T? GetFeature<T>()
        where T : class
    {
        for (var i = _featureCount - 1; i >= 0; i--)
        {
            var (type, value) = _features![i];
            if (type == typeof(T) || value is T)
            {
                return value as T;
            }
        }

        return null;
    }
}
