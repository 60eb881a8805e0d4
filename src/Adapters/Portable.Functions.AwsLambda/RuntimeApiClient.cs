using System.Net;
using System.Net.Http.Headers;
using System.Text;

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
/// A client of the Lambda Runtime API (<c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01</c>) over one
/// <see cref="HttpClient"/>. <c>GET /next</c> has no timeout: the execution environment may be frozen between
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

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeHeaderValue ErrorMediaType = new(ErrorContentType);

    private readonly HttpClient _client;
    private readonly Uri _next;
    private readonly string _invocationBase;
    private readonly Uri _initError;
    private readonly Uri _restoreNext;
    private readonly string _host;
    private readonly int _port;
    private readonly Uri _restoreError;

    public RuntimeApiClient(string runtimeApi)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = static (_, _) => Encoding.UTF8,
        };
        _client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("portable-functions-aws-lambda", typeof(RuntimeApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        var root = "http://" + runtimeApi.Trim().TrimEnd('/') + "/2018-06-01/runtime/";
        var authority = new Uri(root);
        _host = authority.Host;
        _port = authority.Port;
        _next = new Uri(root + "invocation/next");
        _invocationBase = root + "invocation/";
        _initError = new Uri(root + "init/error");
        _restoreNext = new Uri(root + "restore/next");
        _restoreError = new Uri(root + "restore/error");
    }

    /// <summary>
    /// SnapStart: tells the platform that the runtime is ready to be snapshotted, and returns once this execution
    /// environment has been restored from the snapshot (<c>GET /runtime/restore/next</c>, no timeout).
    /// </summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status, or cannot be reached.</exception>
    public async Task RestoreNextAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _client.GetAsync(_restoreNext, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RuntimeApiException("The Runtime API cannot be reached: " + exception.Message, null, exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new RuntimeApiException(
                    $"GET /runtime/restore/next answered {(int)response.StatusCode}{DescribeError(await ReadSmallBodyAsync(response).ConfigureAwait(false))}",
                    response.StatusCode);
            }
        }
    }

    /// <summary>SnapStart: reports that the runtime could not resume after a restore.</summary>
    public Task<PostOutcome> PostRestoreErrorAsync(string errorType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        PostAsync(_restoreError, ErrorContent(body), errorType, cancellationToken);

    /// <summary>Waits for the next invocation.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status, or cannot be reached.</exception>
    public async Task<RuntimeInvocation> NextAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _client.GetAsync(_next, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RuntimeApiException("The Runtime API cannot be reached: " + exception.Message, null, exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new RuntimeApiException(
                    $"GET /runtime/invocation/next answered {(int)response.StatusCode}{DescribeError(await ReadSmallBodyAsync(response).ConfigureAwait(false))}",
                    response.StatusCode);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var headers = response.Headers;
            DateTimeOffset? deadline = null;
            if (Header(headers, DeadlineHeader) is { } deadlineText
                && long.TryParse(deadlineText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deadlineMs))
            {
                deadline = DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs);
            }

            return new RuntimeInvocation(
                Header(headers, RequestIdHeader),
                deadline,
                Header(headers, FunctionArnHeader),
                Header(headers, TraceIdHeader),
                Header(headers, ClientContextHeader),
                Header(headers, CognitoIdentityHeader),
                Header(headers, TenantIdHeader),
                body);
        }
    }

    /// <summary>Opens a streamed response for an invocation; nothing is sent before its first write.</summary>
    /// <param name="requestId">The invocation's request id.</param>
    /// <param name="prelude">The HTTP integration prelude (with its eight zero bytes), sent first.</param>
    public LambdaStreamingResponse OpenStreamingResponse(string requestId, ReadOnlyMemory<byte> prelude) =>
        new(_host, _port, new Uri(_invocationBase + Uri.EscapeDataString(requestId) + "/response").PathAndQuery, _client.DefaultRequestHeaders.UserAgent.ToString(), prelude);

    /// <summary>Sends the function's response.</summary>
    public Task<PostOutcome> PostResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonContentType;
        return PostAsync(new Uri(_invocationBase + Uri.EscapeDataString(requestId) + "/response"), content, null, cancellationToken);
    }

    /// <summary>Reports that the invocation failed.</summary>
    public Task<PostOutcome> PostErrorAsync(string requestId, string errorType, ReadOnlyMemory<byte> body, string? xrayCause, CancellationToken cancellationToken) =>
        PostAsync(new Uri(_invocationBase + Uri.EscapeDataString(requestId) + "/error"), ErrorContent(body), errorType, cancellationToken, xrayCause);

    /// <summary>Reports that the runtime could not start.</summary>
    public Task<PostOutcome> PostInitErrorAsync(string errorType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        PostAsync(_initError, ErrorContent(body), errorType, cancellationToken);

    public void Dispose() => _client.Dispose();

    private static ReadOnlyMemoryContent ErrorContent(ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = ErrorMediaType;
        return content;
    }

    private async Task<PostOutcome> PostAsync(Uri uri, HttpContent content, string? errorType, CancellationToken cancellationToken, string? xrayCause = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        if (xrayCause is not null)
        {
            request.Headers.TryAddWithoutValidation(XRayErrorCause.Header, xrayCause);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RuntimeApiException("The Runtime API cannot be reached: " + exception.Message, null, exception);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return PostOutcome.Accepted;
            }

            switch (response.StatusCode)
            {
                case HttpStatusCode.RequestEntityTooLarge:
                    return PostOutcome.TooLarge;
                case HttpStatusCode.BadRequest:
                case HttpStatusCode.Forbidden:
                    return PostOutcome.Refused;
                default:
                    throw new RuntimeApiException(
                        $"POST {uri.AbsolutePath} answered {(int)response.StatusCode}{DescribeError(await ReadSmallBodyAsync(response).ConfigureAwait(false))}",
                        response.StatusCode);
            }
        }
    }

    private static string? Header(HttpResponseHeaders headers, string name)
    {
        if (headers.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static async Task<string> ReadSmallBodyAsync(HttpResponseMessage response)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return text.Length > 512 ? text[..512] : text;
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    private static string DescribeError(string body) => string.IsNullOrWhiteSpace(body) ? "." : ": " + body;
}
