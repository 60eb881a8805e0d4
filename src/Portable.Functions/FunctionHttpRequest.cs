using Microsoft.Extensions.Primitives;

namespace Portable.Functions;

/// <summary>
/// A provider-neutral HTTP request with a buffered body. Adapters build it from their platform's request shape.
/// </summary>
public sealed class FunctionHttpRequest
{
    private static readonly IReadOnlyDictionary<string, StringValues> EmptyValues =
        new Dictionary<string, StringValues>(0, StringComparer.OrdinalIgnoreCase);

    private static readonly IReadOnlyDictionary<string, string> EmptyCookies =
        new Dictionary<string, string>(0, StringComparer.Ordinal);

    /// <summary>Gets the HTTP method, upper case (<c>GET</c>, <c>POST</c>, …).</summary>
    public required string Method { get; init; }

    /// <summary>Gets the request path, starting with <c>/</c>, without the query string, percent-decoded.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the raw query string without the leading <c>?</c>, as it arrived.</summary>
    /// <value>The default value is the empty string.</value>
    public string QueryString { get; init; } = string.Empty;

    /// <summary>Gets the decoded query parameters. A parameter given several times has several values.</summary>
    public IReadOnlyDictionary<string, StringValues> Query { get; init; } = EmptyValues;

    /// <summary>Gets the request headers; names are case-insensitive and a repeated header has several values.</summary>
    public IReadOnlyDictionary<string, StringValues> Headers { get; init; } = EmptyValues;

    /// <summary>Gets the request cookies by name.</summary>
    public IReadOnlyDictionary<string, string> Cookies { get; init; } = EmptyCookies;

    /// <summary>Gets the buffered request body; empty when the request had none.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Gets the value of the <c>Content-Type</c> header, or <see langword="null"/>.</summary>
    public string? ContentType => GetHeader("Content-Type");

    /// <summary>Gets the first value of a header.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The first value, or <see langword="null"/> when the header is absent.</returns>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
    }
}
