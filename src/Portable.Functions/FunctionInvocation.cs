namespace Portable.Functions;

/// <summary>
/// What an adapter knows about one invocation before it is bound: its id, platform, deadline, trace parent and the
/// provider-native objects it offers as features.
/// </summary>
public sealed class FunctionInvocation
{
    private (Type Type, object Value)[]? _features;
    private int _featureCount;

    /// <summary>Gets the platform's invocation id, or <see langword="null"/> to generate one.</summary>
    public string? InvocationId { get; init; }

    /// <summary>Gets the platform the invocation runs on.</summary>
    /// <value>The default value is <see cref="FunctionProvider.Local"/>.</value>
    public FunctionProvider Provider { get; init; }

    /// <summary>Gets what triggered the invocation.</summary>
    /// <value>The default value is <see cref="FunctionTrigger.Http"/>.</value>
    public FunctionTrigger Trigger { get; init; }

    /// <summary>Gets the platform deadline, or <see langword="null"/> to use <see cref="FunctionsOptions.DefaultTimeout"/>.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Gets the incoming W3C <c>traceparent</c>, or <see langword="null"/>.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Gets the incoming W3C <c>tracestate</c>, or <see langword="null"/>.</summary>
    public string? TraceState { get; init; }

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
