namespace Portable.Functions.AwsLambda;

/// <summary>
/// What the Lambda Runtime API told about one invocation, and the raw event. Read it in a function through
/// <c>context.GetFeature&lt;LambdaInvocationFeature&gt;()</c>.
/// </summary>
public sealed class LambdaInvocationFeature
{
    // The invocation as the Runtime API client read it: the feature exposes its headers rather than copying them.
    private readonly RuntimeInvocation _next;

    internal LambdaInvocationFeature(RuntimeInvocation next, string requestId, LambdaFunctionEnvironment environment)
    {
        _next = next;
        RequestId = requestId;
        Environment = environment;
    }

    /// <summary>Gets the request id (<c>Lambda-Runtime-Aws-Request-Id</c>); it is also the invocation id.</summary>
    public string RequestId { get; }

    /// <summary>Gets the ARN that was invoked, with its version or alias (<c>Lambda-Runtime-Invoked-Function-Arn</c>).</summary>
    public string? InvokedFunctionArn => _next.InvokedFunctionArn;

    /// <summary>Gets the deadline of the invocation (<c>Lambda-Runtime-Deadline-Ms</c>), or <see langword="null"/> when the platform sent none.</summary>
    public DateTimeOffset? Deadline => _next.Deadline;

    /// <summary>Gets the X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>), or <see langword="null"/>.</summary>
    public string? TraceId => _next.TraceId;

    /// <summary>Gets the client context JSON sent by the AWS Mobile SDK (<c>Lambda-Runtime-Client-Context</c>), or <see langword="null"/>.</summary>
    public string? ClientContext => _next.ClientContext;

    /// <summary>Gets the Amazon Cognito identity JSON (<c>Lambda-Runtime-Cognito-Identity</c>), or <see langword="null"/>.</summary>
    public string? CognitoIdentity => _next.CognitoIdentity;

    /// <summary>Gets the tenant id of a tenant-isolated function (<c>Lambda-Runtime-Aws-Tenant-Id</c>), or <see langword="null"/>.</summary>
    public string? TenantId => _next.TenantId;

    /// <summary>Gets the event source the payload was read as.</summary>
    public LambdaEventSource EventSource { get; internal set; }

    /// <summary>Gets the raw event bytes, exactly as the Runtime API delivered them.</summary>
    public ReadOnlyMemory<byte> RawEvent => _next.Event;

    /// <summary>Gets the function's environment (name, version, memory, log group and stream).</summary>
    public LambdaFunctionEnvironment Environment { get; }

    /// <summary>Gets the token the runtime's <see cref="DeadlineAlarm"/> fires at the deadline less the grace period, or <see cref="CancellationToken.None"/> when the core times the deadline.</summary>
    internal CancellationToken DeadlineToken { get; init; }
}
