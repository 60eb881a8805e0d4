using Microsoft.Extensions.Primitives;

namespace Portable.Functions;

/// <summary>
/// HTTP metadata of an HTTP-triggered invocation: the request, and the status, headers and cookies that a typed
/// function wants on its response.
/// </summary>
public sealed class FunctionHttpContext
{
    private Dictionary<string, StringValues>? _responseHeaders;
    private List<string>? _responseCookies;

    /// <summary>Initializes a new instance of the <see cref="FunctionHttpContext"/> class.</summary>
    /// <param name="request">The HTTP request.</param>
    public FunctionHttpContext(FunctionHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
    }

    /// <summary>Gets the HTTP request.</summary>
    public FunctionHttpRequest Request { get; }

    /// <summary>Gets or sets the status code of a successful typed response.</summary>
    /// <value>The default value is <see langword="null"/>, which means 200.</value>
    public int? ResponseStatusCode { get; set; }

    /// <summary>Gets the headers to add to the response. Names are case-insensitive.</summary>
    public IDictionary<string, StringValues> ResponseHeaders =>
        _responseHeaders ??= new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the <c>Set-Cookie</c> values to add to the response.</summary>
    public IList<string> ResponseCookies => _responseCookies ??= [];

    internal bool HasResponseHeaders => _responseHeaders is { Count: > 0 };

    internal bool HasResponseCookies => _responseCookies is { Count: > 0 };
}
