namespace Portable.Functions.Testing;

/// <summary>What a test says about one invocation: its id, deadline and trace parent, as a platform would.</summary>
public sealed class TestInvocationOptions
{
    /// <summary>Gets or sets the invocation id.</summary>
    /// <value>The default value is <see langword="null"/>: a new id is generated.</value>
    public string? InvocationId { get; set; }

    /// <summary>Gets or sets the platform deadline, on the host's <see cref="FunctionTestHost.Time"/> clock.</summary>
    /// <value>The default value is <see langword="null"/>: no deadline unless <see cref="FunctionsOptions.DefaultTimeout"/> is set.</value>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>Gets or sets the incoming W3C <c>traceparent</c>.</summary>
    public string? TraceParent { get; set; }

    /// <summary>Gets or sets the incoming W3C <c>tracestate</c>.</summary>
    public string? TraceState { get; set; }

    /// <summary>
    /// Gets or sets the platform's own cancellation of the invocation (as the Azure worker's invocation token): when it
    /// fires, the invocation ends as timed out (504), where the test's cancellation token ends it as aborted (499).
    /// </summary>
    public CancellationToken PlatformCancellationToken { get; set; }

    /// <summary>Gets or sets the platform the invocation pretends to run on.</summary>
    /// <value>The default value is <see cref="FunctionProvider.Local"/>.</value>
    public FunctionProvider Provider { get; set; }
}
