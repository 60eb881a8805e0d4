namespace Portable.Functions.AwsLambda;

/// <summary>Reason phrases of HTTP status codes (RFC 9110), for ALB's <c>statusDescription</c> and for error types.</summary>
internal static class HttpStatusText
{
    public static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => status switch
        {
            < 200 => "Informational",
            < 300 => "Success",
            < 400 => "Redirection",
            < 500 => "Client Error",
            _ => "Server Error",
        },
    };

    /// <summary>A Runtime API error type for a problem status, e.g. <c>Function.BadRequest</c>, <c>Function.GatewayTimeout</c>.</summary>
    public static string ErrorType(int status)
    {
        var phrase = ReasonPhrase(status);
        return string.Create(9 + phrase.Length, phrase, static (span, phrase) =>
        {
            "Function.".CopyTo(span);
            var length = 9;
            foreach (var c in phrase)
            {
                if (char.IsAsciiLetter(c))
                {
                    span[length++] = c;
                }
            }

            span[length..].Fill(' ');
        }).TrimEnd();
    }
}
