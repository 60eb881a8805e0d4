using Microsoft.Extensions.Primitives;

namespace Portable.Functions;

/// <summary>
/// HTTP metadata of an invocation that arrived over HTTP: the request, and the status, headers and cookies wanted on
/// the response. Headers and cookies added here reach the response whatever it is — a typed function's value, an
/// HTTP function's own response (whose headers win), or a problem (a middleware's <c>WWW-Authenticate</c> beside its
/// 401) — on the surfaces that answer with one response per invocation.
/// </summary>
public sealed class FunctionHttpContext
{
    private Dictionary<string, StringValues>? _responseHeaders;
    private List<string>? _responseCookies;

    internal FunctionHttpContext(FunctionHttpRequest request)
    {
        Request = request;
    }

    /// <summary>Gets the HTTP request.</summary>
    public FunctionHttpRequest Request { get; }

    /// <summary>Gets or sets the status code of a successful typed function's response.</summary>
    /// <value>The default value is <see langword="null"/>, which means 200.</value>
    public int? ResponseStatusCode { get; set; }

    /// <summary>Gets the headers to add to the response. Names are case-insensitive.</summary>
    public IDictionary<string, StringValues> ResponseHeaders =>
        _responseHeaders ??= new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the <c>Set-Cookie</c> values to add to the response.</summary>
    public IList<string> ResponseCookies => _responseCookies ??= [];

    /// <summary>Adds the wanted headers and cookies to a response; a header the response already has wins.</summary>
    internal void CopyTo(FunctionHttpResponse response)
    {
        if (_responseHeaders is { Count: > 0 })
        {
            foreach (var (name, values) in _responseHeaders)
            {
                response.Headers.TryAdd(name, values);
            }
        }

        if (_responseCookies is { Count: > 0 })
        {
            foreach (var cookie in _responseCookies)
            {
                response.Cookies.Add(cookie);
            }
        }
    }
}
