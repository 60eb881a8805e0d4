namespace Portable.Functions;

/// <summary>Options that apply to every function of a deployable, on every adapter.</summary>
public sealed class FunctionsOptions
{
    /// <summary>
    /// Gets or sets whether 500 problems carry the exception's type, message and stack trace in <c>detail</c>.
    /// Turn it on only in development: it exposes internals to callers.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>
    /// Gets or sets how long before the platform deadline the handler's cancellation token fires, so that the
    /// function can still answer before the platform cuts it off.
    /// </summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan DeadlineGracePeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Gets or sets the time an invocation may take when the platform gives no deadline (HTTP hosts), or
    /// <see langword="null"/> for no limit.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? DefaultTimeout { get; set; }
}
