using System.Net;

namespace Portable.Functions.AwsLambda;

/// <summary>One invocation as <c>GET /runtime/invocation/next</c> delivered it.</summary>
internal sealed record RuntimeInvocation(
    string? RequestId,
    DateTimeOffset? Deadline,
    string? InvokedFunctionArn,
    string? TraceId,
    string? ClientContext,
    string? CognitoIdentity,
    string? TenantId,
    byte[] Event);

/// <summary>The Runtime API answered with a status the runtime cannot continue after.</summary>
internal sealed class RuntimeApiException : Exception
{
    public RuntimeApiException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// Gets a value indicating whether the Runtime API answered but dropped the connection before the whole body: the
    /// answer is lost, the API itself is still there.
    /// </summary>
    public bool AnswerCut { get; init; }
}

/// <summary>What the Runtime API answered to a response or an error report.</summary>
internal enum PostOutcome
{
    Accepted = 0,

    /// <summary>413: the response is larger than the platform accepts.</summary>
    TooLarge = 1,

    /// <summary>400 or 403: the request id is unknown, or the invocation was already answered.</summary>
    Refused = 2,
}

/// <summary>
/// A client of the Lambda Runtime API (<c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01</c>) over
/// <see cref="RuntimeApiTransport"/>. <c>GET /next</c> has no timeout: the execution environment may be frozen between
/// invocations for any length of time.
/// </summary>
internal sealed class RuntimeApiClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ClientContextHeader = "Lambda-Runtime-Client-Context";
    public const string CognitoIdentityHeader = "Lambda-Runtime-Cognito-Identity";
    public const string TenantIdHeader = "Lambda-Runtime-Aws-Tenant-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    private const string Root = "/2018-06-01/runtime/";
    private const string InvocationBase = Root + "invocation/";

    private readonly RuntimeApiTransport _transport;
    private readonly string _host;
    private readonly int _port;
    private readonly string _userAgent;

    public RuntimeApiClient(string runtimeApi)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        var authority = new Uri("http://" + runtimeApi.Trim().TrimEnd('/') + "/");
        _host = authority.IdnHost;
        _port = authority.Port;
        _userAgent = "portable-functions-aws-lambda/" + PackageVersion.Value;
        _transport = new RuntimeApiTransport(_host, _port, _userAgent);
    }

    /// <summary>Opens the connection to the Runtime API in the background, while the runtime starts.</summary>
    public void Preconnect() => _transport.Preconnect();

    /// <summary>
    /// SnapStart: tells the platform that the runtime is ready to be snapshotted, and returns once this execution
    /// environment has been restored from the snapshot (<c>GET /runtime/restore/next</c>, no timeout).
    /// </summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status, or cannot be reached.</exception>
    public async Task RestoreNextAsync(CancellationToken cancellationToken)
    {
        var response = await _transport.SendAsync("GET", Root + "restore/next", null, default, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new RuntimeApiException($"GET /runtime/restore/next answered {response.Status}{response.Describe()}", (HttpStatusCode)response.Status);
        }
    }

    /// <summary>SnapStart: reports that the runtime could not resume after a restore.</summary>
    public Task<PostOutcome> PostRestoreErrorAsync(string errorType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        PostAsync(Root + "restore/error", ErrorContentType, body, errorType, null, cancellationToken);

    /// <summary>Waits for the next invocation.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status, or cannot be reached.</exception>
    public async Task<RuntimeInvocation> NextAsync(CancellationToken cancellationToken)
    {
        var response = await _transport.SendAsync("GET", InvocationBase + "next", null, default, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new RuntimeApiException($"GET /runtime/invocation/next answered {response.Status}{response.Describe()}", (HttpStatusCode)response.Status);
        }

        DateTimeOffset? deadline = null;
        if (response.Header(DeadlineHeader) is { } deadlineText
            && long.TryParse(deadlineText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deadlineMs))
        {
            deadline = DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs);
        }

        return new RuntimeInvocation(
            response.Header(RequestIdHeader),
            deadline,
            response.Header(FunctionArnHeader),
            response.Header(TraceIdHeader),
            response.Header(ClientContextHeader),
            response.Header(CognitoIdentityHeader),
            response.Header(TenantIdHeader),
            response.Body);
    }

    /// <summary>Opens a streamed response for an invocation; nothing is sent before its first write.</summary>
    /// <param name="requestId">The invocation's request id.</param>
    /// <param name="prelude">The HTTP integration prelude (with its eight zero bytes), sent first.</param>
    public LambdaStreamingResponse OpenStreamingResponse(string requestId, ReadOnlyMemory<byte> prelude) =>
        new(_host, _port, InvocationBase + Uri.EscapeDataString(requestId) + "/response", _userAgent, prelude);

    /// <summary>Sends the function's response.</summary>
    public Task<PostOutcome> PostResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        PostAsync(InvocationBase + Uri.EscapeDataString(requestId) + "/response", "application/json", body, null, null, cancellationToken);

    /// <summary>Reports that the invocation failed.</summary>
    public Task<PostOutcome> PostErrorAsync(string requestId, string errorType, ReadOnlyMemory<byte> body, string? xrayCause, CancellationToken cancellationToken) =>
        PostAsync(InvocationBase + Uri.EscapeDataString(requestId) + "/error", ErrorContentType, body, errorType, xrayCause, cancellationToken);

    /// <summary>Reports that the runtime could not start.</summary>
    public Task<PostOutcome> PostInitErrorAsync(string errorType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        PostAsync(Root + "init/error", ErrorContentType, body, errorType, null, cancellationToken);

    public void Dispose() => _transport.Dispose();

    private async Task<PostOutcome> PostAsync(string path, string contentType, ReadOnlyMemory<byte> body, string? errorType, string? xrayCause, CancellationToken cancellationToken)
    {
        (string, string)[]? headers = (errorType, xrayCause) switch
        {
            (null, null) => null,
            (not null, null) => [(ErrorTypeHeader, errorType)],
            (null, not null) => [(XRayErrorCause.Header, xrayCause)],
            _ => [(ErrorTypeHeader, errorType), (XRayErrorCause.Header, xrayCause)],
        };
        var response = await _transport.SendAsync("POST", path, contentType, body, headers, cancellationToken).ConfigureAwait(false);
        return OutcomeOf(response.Status)
            ?? throw new RuntimeApiException($"POST {path.Replace("/2018-06-01", string.Empty, StringComparison.Ordinal)} answered {response.Status}{response.Describe()}", (HttpStatusCode)response.Status);
    }

    /// <summary>What the Runtime API's answer to a response or an error report means; <see langword="null"/> for a status the runtime cannot continue after.</summary>
    internal static PostOutcome? OutcomeOf(int status) => status switch
    {
        >= 200 and < 300 => PostOutcome.Accepted,
        413 => PostOutcome.TooLarge,
        400 or 403 => PostOutcome.Refused,
        _ => null,
    };
}
