using System.Globalization;
using System.Net;
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
    private readonly byte[] _nextRequest;
    private readonly string _host;
    private readonly int _port;
    private readonly string _userAgent;

    /// <param name="runtimeApi">The Runtime API's <c>host:port</c> (<c>AWS_LAMBDA_RUNTIME_API</c>).</param>
    /// <exception cref="FormatException"><paramref name="runtimeApi"/> is not a host and port.</exception>
    public RuntimeApiClient(string runtimeApi)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        (_host, _port) = ParseAuthority(runtimeApi);
        _userAgent = "portable-functions-aws-lambda/" + BuildVersion.Package;
        _transport = new RuntimeApiTransport(_host, _port, _userAgent);
        _nextRequest = _transport.Format("GET", InvocationBase + "next");
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
    public async Task<PostOutcome> PostRestoreErrorAsync(string errorType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        (await PostAsync(Root + "restore/error", ErrorContentType, body, errorType, null, askNext: false, cancellationToken).ConfigureAwait(false)).Outcome;

    /// <summary>Waits for the next invocation.</summary>
    /// <param name="asked">
    /// The answer to the <c>GET /next</c> that went out behind the last response (<see cref="PostResponseAsync"/>),
    /// or <see langword="null"/> to ask now.
    /// </param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status, or cannot be reached.</exception>
    public async Task<RuntimeInvocation> NextAsync(RuntimeApiTransport.PendingAnswer? asked, CancellationToken cancellationToken)
    {
        var response = asked is null
            ? await _transport.SendFormattedAsync(_nextRequest, cancellationToken).ConfigureAwait(false)
            : await asked.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new RuntimeApiException($"GET /runtime/invocation/next answered {response.Status}{response.Describe()}", (HttpStatusCode)response.Status);
        }

        DateTimeOffset? deadline = null;
        if (response.Header(DeadlineHeader) is { } deadlineText
            && long.TryParse(deadlineText, NumberStyles.None, CultureInfo.InvariantCulture, out var deadlineMs))
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
        new(_host, _port, InvocationBase + EscapeSegment(requestId) + "/response", _userAgent, prelude);

    /// <summary>
    /// Sends the function's response — with <paramref name="askNext"/>, with <c>GET /next</c> right behind it on the same
    /// connection, before the response is answered (HTTP/1.1 pipelining: the Runtime API reads and answers them in
    /// order). The loop asks for the next invocation as soon as it has answered one anyway; sent together, the two
    /// requests wake the Runtime API once, and the runtime once for both answers, where one after the other each answer
    /// is a wake-up on each side.
    /// </summary>
    /// <returns>
    /// How the response was taken, and the <c>GET /next</c> whose answer <see cref="NextAsync"/> reads — or
    /// <see langword="null"/> when none was sent, or the Runtime API closed the connection without reading it.
    /// </returns>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an unexpected status, or cannot be reached.</exception>
    public Task<(PostOutcome Outcome, RuntimeApiTransport.PendingAnswer? Next)> PostResponseAsync(string requestId, ReadOnlyMemory<byte> body, bool askNext,
        CancellationToken cancellationToken) =>
        PostAsync(InvocationBase + EscapeSegment(requestId) + "/response", "application/json", body, null, null, askNext, cancellationToken);

    /// <summary>Reports that the invocation failed, with <c>GET /next</c> behind the report as <see cref="PostResponseAsync"/> sends it.</summary>
    public Task<(PostOutcome Outcome, RuntimeApiTransport.PendingAnswer? Next)> PostErrorAsync(string requestId, string errorType, ReadOnlyMemory<byte> body,
        string? xrayCause, bool askNext, CancellationToken cancellationToken) =>
        PostAsync(InvocationBase + EscapeSegment(requestId) + "/error", ErrorContentType, body, errorType, xrayCause, askNext, cancellationToken);

    /// <summary>Reports that the runtime could not start.</summary>
    public async Task<PostOutcome> PostInitErrorAsync(string errorType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        (await PostAsync(Root + "init/error", ErrorContentType, body, errorType, null, askNext: false, cancellationToken).ConfigureAwait(false)).Outcome;

    public void Dispose() => _transport.Dispose();

    private async Task<(PostOutcome Outcome, RuntimeApiTransport.PendingAnswer? Next)> PostAsync(string path, string contentType, ReadOnlyMemory<byte> body,
        string? errorType, string? xrayCause, bool askNext, CancellationToken cancellationToken)
    {
        (string, string)[]? headers = (errorType, xrayCause) switch
        {
            (null, null) => null,
            (not null, null) => [(ErrorTypeHeader, errorType)],
            (null, not null) => [(XRayErrorCause.Header, xrayCause)],
            _ => [(ErrorTypeHeader, errorType), (XRayErrorCause.Header, xrayCause)],
        };
        var (response, next) = await _transport.SendAsync("POST", path, contentType, body, headers, askNext ? _nextRequest : null, cancellationToken).ConfigureAwait(false);
        if (OutcomeOf(response.Status) is { } outcome)
        {
            return (outcome, next);
        }

        next?.Dispose();
        throw UnexpectedAnswer(path, response);
    }

    private static RuntimeApiException UnexpectedAnswer(string path, RuntimeApiResponse response) =>
        new($"POST {path.Replace("/2018-06-01", string.Empty, StringComparison.Ordinal)} answered {response.Status}{response.Describe()}", (HttpStatusCode)response.Status);

    /// <summary>
    /// <c>host:port</c>, <c>[IPv6]:port</c> or a host alone (port 80), with surrounding blanks and a trailing slash
    /// tolerated; the host is returned without brackets. Parsed by hand: a <see cref="Uri"/> would bring its parser and
    /// international host names into every cold start for a value that is always an address and a port.
    /// </summary>
    /// <exception cref="FormatException">The value is not a host and port.</exception>
    internal static (string Host, int Port) ParseAuthority(string runtimeApi)
    {
        var text = runtimeApi.Trim().TrimEnd('/');
        string host;
        string? portText; // null: no port given
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? text[1..close] : string.Empty;
            var rest = close > 0 ? text[(close + 1)..] : "?";
            if ((rest.Length > 0 && rest[0] != ':')
                || !IPAddress.TryParse(host, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw InvalidAuthority(runtimeApi);
            }

            portText = rest.Length > 0 ? rest[1..] : null;
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? null : text[(colon + 1)..];
            foreach (var c in host)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
                {
                    throw InvalidAuthority(runtimeApi);
                }
            }
        }

        var port = 80;
        if (host.Length == 0
            || (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)))
        {
            throw InvalidAuthority(runtimeApi);
        }

        return (host, port);
    }

    /// <summary>A request id as one path segment: RFC 3986's unreserved characters as they are, every other UTF-8 byte percent-encoded.</summary>
    internal static string EscapeSegment(string value)
    {
        foreach (var c in value)
        {
            if (!IsUnreserved(c))
            {
                return Escape(value);
            }
        }

        return value; // a request id is a UUID: nothing to escape

        static string Escape(string value)
        {
            var builder = new StringBuilder(value.Length * 3);
            Span<byte> bytes = stackalloc byte[4];
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] < 0x80 && IsUnreserved(value[i]))
                {
                    builder.Append(value[i]);
                    continue;
                }

                var width = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
                var count = Encoding.UTF8.GetBytes(value.AsSpan(i, width), bytes);
                foreach (var b in bytes[..count])
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }

                i += width - 1;
            }

            return builder.ToString();
        }
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static FormatException InvalidAuthority(string runtimeApi) =>
        new($"AWS_LAMBDA_RUNTIME_API must be the Runtime API's host and port (host:port); it is '{runtimeApi}'.");

    /// <summary>What the Runtime API's answer to a response or an error report means; <see langword="null"/> for a status the runtime cannot continue after.</summary>
    internal static PostOutcome? OutcomeOf(int status) => status switch
    {
        >= 200 and < 300 => PostOutcome.Accepted,
        413 => PostOutcome.TooLarge,
        400 or 403 => PostOutcome.Refused,
        _ => null,
    };
}
