using System.Net;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.AwsLambda;

/// <summary>A request read from an HTTP event, or the 400 problem to answer when its body cannot be read.</summary>
internal readonly record struct HttpEventRequest(FunctionHttpRequest? Request, FunctionProblem? Problem, bool MultiValue, bool FunctionUrl = false);

/// <summary>
/// Translates API Gateway REST (payload 1.0), HTTP API / Function URL (payload 2.0) and ALB events into a
/// <see cref="FunctionHttpRequest"/>, and a <see cref="FunctionHttpResponse"/> back into the response each expects.
/// </summary>
internal static class HttpEventMapper
{
    private static readonly Dictionary<string, string[]> NoMultiValueHeaders = new(0, StringComparer.OrdinalIgnoreCase);

    // Shared, never written to (the request exposes them read-only): an event without a query or cookies allocates no map.
    private static readonly Dictionary<string, StringValues> NoQuery = new(0, StringComparer.Ordinal);
    private static readonly Dictionary<string, string> NoCookies = new(0, StringComparer.Ordinal);

    /// <summary>Reads an API Gateway REST (payload 1.0) event: query values arrive URL-decoded.</summary>
    public static HttpEventRequest ReadRest(ReadOnlySpan<byte> payload)
    {
        var proxy = ProxyJson.ReadRequest(payload);
        return ReadProxy(proxy, queryDecoded: true, multiValue: proxy.MultiValueHeaders is not null);
    }

    /// <summary>Reads an ALB event: query values arrive as sent (still encoded); the header mode is remembered for the response.</summary>
    public static HttpEventRequest ReadAlb(ReadOnlySpan<byte> payload)
    {
        var proxy = ProxyJson.ReadRequest(payload);
        return ReadProxy(proxy, queryDecoded: false, multiValue: proxy.MultiValueHeaders is not null || proxy.MultiValueQueryStringParameters is not null);
    }

    private static HttpEventRequest ReadProxy(ProxyRequest proxy, bool queryDecoded, bool multiValue)
    {
        var headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        if (proxy.MultiValueHeaders is { Count: > 0 } multiHeaders)
        {
            foreach (var (name, values) in multiHeaders)
            {
                if (values is { Count: > 0 })
                {
                    headers[name] = new StringValues([.. values]);
                }
            }
        }

        if (proxy.Headers is { Count: > 0 } singleHeaders)
        {
            foreach (var (name, value) in singleHeaders)
            {
                if (value is not null)
                {
                    headers.TryAdd(name, value);
                }
            }
        }

        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        var queryString = new StringBuilder();
        if (proxy.MultiValueQueryStringParameters is { Count: > 0 } multiQuery)
        {
            foreach (var (name, values) in multiQuery)
            {
                if (values is null)
                {
                    continue;
                }

                foreach (var value in values)
                {
                    AddQuery(query, queryString, name, value ?? string.Empty, queryDecoded); // a null in the list is an empty value, as in the single-value map
                }
            }
        }
        else if (proxy.QueryStringParameters is { Count: > 0 } singleQuery)
        {
            foreach (var (name, value) in singleQuery)
            {
                AddQuery(query, queryString, name, value ?? string.Empty, queryDecoded);
            }
        }

        if (!TryDecodeBody(proxy.Body, proxy.IsBase64Encoded, out var body, out var problem))
        {
            return new HttpEventRequest(null, problem, multiValue);
        }

        var request = new FunctionHttpRequest
        {
            Method = (proxy.HttpMethod ?? "GET").ToUpperInvariant(),
            Path = string.IsNullOrEmpty(proxy.Path) ? "/" : (queryDecoded ? proxy.Path : Uri.UnescapeDataString(proxy.Path)),
            QueryString = queryString.ToString(),
            Query = query,
            Headers = headers,
            Cookies = ParseCookieHeaders(headers),
            Body = body,
        };
        return new HttpEventRequest(request, null, multiValue);
    }

    /// <summary>Reads an HTTP API (payload 2.0) or Function URL event.</summary>
    public static HttpEventRequest ReadHttpApi(ReadOnlySpan<byte> payload)
    {
        var api = HttpApiJson.ReadRequest(payload);
        var headers = api.Headers ?? new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string>? cookies = null;
        if (api.Cookies is { Count: > 0 })
        {
            cookies = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var cookie in api.Cookies)
            {
                AddCookie(cookies, cookie);
            }

            // The platform moved every Cookie header into cookies[]; put it back for functions that read headers.
            headers["cookie"] = string.Join("; ", api.Cookies);
        }

        var rawQuery = api.RawQueryString ?? string.Empty;
        Dictionary<string, StringValues>? query = null;
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var pair = rawQuery.AsSpan(range);
            if (pair.IsEmpty)
            {
                continue;
            }

            query ??= new Dictionary<string, StringValues>(StringComparer.Ordinal);
            var equals = pair.IndexOf('=');
            var name = DecodeQueryComponent(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : DecodeQueryComponent(pair[(equals + 1)..]);
            query[name] = StringValues.Concat(query.TryGetValue(name, out var existing) ? existing : StringValues.Empty, value);
        }

        if (!TryDecodeBody(api.Body, api.IsBase64Encoded, out var body, out var problem))
        {
            return new HttpEventRequest(null, problem, false);
        }

        var path = api.RawPath ?? api.HttpPath;
        var request = new FunctionHttpRequest
        {
            Method = (api.Method ?? "GET").ToUpperInvariant(),
            Path = string.IsNullOrEmpty(path) ? "/" : Uri.UnescapeDataString(path),
            QueryString = rawQuery,
            Query = query ?? NoQuery,
            Headers = headers,
            Cookies = cookies ?? NoCookies,
            Body = body,
        };
        // A Function URL (its own *.lambda-url.* domain, unlike an HTTP API) can stream its response.
        return new HttpEventRequest(request, null, false, api.IsFunctionUrl);
    }

    /// <summary>
    /// The HTTP integration prelude of a streamed Function URL response: <c>{"statusCode","headers",
    /// "multiValueHeaders","cookies"}</c> as compact JSON, a header given more than once in <c>multiValueHeaders</c>,
    /// empty members left out; eight zero bytes separate it from the body.
    /// </summary>
    public static byte[] WriteStreamingPrelude(FunctionHttpResponse response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string[]>? multiValue = null;
        if (response.ContentType is not null)
        {
            headers["content-type"] = response.ContentType;
        }

        if (response.HasHeaders)
        {
            foreach (var (name, values) in response.Headers)
            {
                if (IsContentType(name) || IsSetCookie(name))
                {
                    continue;
                }

                if (values.Count > 1)
                {
                    (multiValue ??= new(StringComparer.OrdinalIgnoreCase))[name.ToLowerInvariant()] = values.ToArray()!;
                }
                else
                {
                    headers[name.ToLowerInvariant()] = values.ToString();
                }
            }
        }

        // The last eight bytes are zero: the separator.
        return EnvelopeWriter.WriteHttpResponse(response.StatusCode, null, headers.Count > 0 ? headers : null, multiValue, CollectCookies(response), default, null, trailingZeros: 8).Array!;
    }

    /// <summary>Writes the API Gateway REST (payload 1.0) response: single values in <c>headers</c>, repeated ones (and <c>Set-Cookie</c>) in <c>multiValueHeaders</c>.</summary>
    public static byte[] WriteRest(FunctionHttpResponse response) => WriteRest(response, rent: false).Array!;

    /// <summary>Writes the REST API (payload 1.0) response, in an array of its exact size or (<paramref name="rent"/>) one rented from the shared pool.</summary>
    public static ArraySegment<byte> WriteRest(FunctionHttpResponse response, bool rent)
    {
        var (single, multi) = SplitHeaders(response);
        return EnvelopeWriter.WriteHttpResponse(response.StatusCode, null, single, multi.Count > 0 ? multi : null, null, response.Body.Span, IsBase64Body(response), rent: rent);
    }

    /// <summary>Writes the HTTP API / Function URL (payload 2.0) response: repeated headers joined with commas, cookies in <c>cookies</c>.</summary>
    public static byte[] WriteHttpApi(FunctionHttpResponse response) => WriteHttpApi(response, rent: false).Array!;

    /// <summary>Writes the HTTP API / Function URL (payload 2.0) response, in an array of its exact size or (<paramref name="rent"/>) one rented from the shared pool.</summary>
    public static ArraySegment<byte> WriteHttpApi(FunctionHttpResponse response, bool rent) =>
        EnvelopeWriter.WriteHttpApiResponse(response, CollectCookies(response), IsBase64Body(response), rent);

    /// <summary>Writes the ALB response in the header mode of the request, with <c>statusDescription</c>.</summary>
    public static byte[] WriteAlb(FunctionHttpResponse response, bool multiValue) => WriteAlb(response, multiValue, rent: false).Array!;

    /// <summary>Writes the ALB response, in an array of its exact size or (<paramref name="rent"/>) one rented from the shared pool.</summary>
    public static ArraySegment<byte> WriteAlb(FunctionHttpResponse response, bool multiValue, bool rent)
    {
        var statusDescription = string.Concat(response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), " ", HttpStatusText.ReasonPhrase(response.StatusCode));
        var (single, multi) = SplitHeaders(response);
        if (multiValue)
        {
            foreach (var (name, value) in single)
            {
                multi[name] = [value];
            }

            return EnvelopeWriter.WriteHttpResponse(response.StatusCode, statusDescription, null, multi, null, response.Body.Span, IsBase64Body(response), rent: rent);
        }
        else
        {
            // Without multi-value headers ALB takes one value per name: repeated values are joined, and only the last cookie survives.
            foreach (var (name, values) in multi)
            {
                single[name] = IsSetCookie(name) ? values[^1] : string.Join(",", values);
            }

            return EnvelopeWriter.WriteHttpResponse(response.StatusCode, statusDescription, single, null, null, response.Body.Span, IsBase64Body(response), rent: rent);
        }
    }

    private static (Dictionary<string, string> Single, Dictionary<string, string[]> Multi) SplitHeaders(FunctionHttpResponse response)
    {
        var single = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var multi = NoMultiValueHeaders;
        if (response.ContentType is not null)
        {
            single["Content-Type"] = response.ContentType;
        }

        if (response.HasHeaders)
        {
            foreach (var (name, values) in response.Headers)
            {
                if (IsContentType(name) || IsSetCookie(name) || values.Count == 0)
                {
                    continue;
                }

                if (values.Count == 1)
                {
                    single[name] = values[0]!;
                }
                else
                {
                    multi = multi == NoMultiValueHeaders ? new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) : multi;
                    multi[name] = values.ToArray()!;
                }
            }
        }

        if (CollectCookies(response) is { Count: > 0 } cookies)
        {
            multi = multi == NoMultiValueHeaders ? new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) : multi;
            multi["Set-Cookie"] = [.. cookies];
        }

        return (single, multi == NoMultiValueHeaders ? new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) : multi);
    }

    /// <summary>The response's cookies and <c>Set-Cookie</c> header values, or <see langword="null"/> when it has none.</summary>
    private static List<string>? CollectCookies(FunctionHttpResponse response)
    {
        List<string>? cookies = null;
        if (response.HasCookies)
        {
            cookies = [.. response.Cookies];
        }

        if (response.HasHeaders && response.Headers.TryGetValue("Set-Cookie", out var headerCookies))
        {
            foreach (var cookie in headerCookies)
            {
                if (!string.IsNullOrEmpty(cookie))
                {
                    (cookies ??= []).Add(cookie);
                }
            }
        }

        return cookies;
    }

    private static bool IsContentType(string name) => name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);

    private static bool IsSetCookie(string name) => name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the body goes back base64-encoded: when it is compressed, or not UTF-8 text of a text media type (text goes as a string).</summary>
    private static bool IsBase64Body(FunctionHttpResponse response)
    {
        var bytes = response.Body.Span;
        if (bytes.IsEmpty)
        {
            return false;
        }

        var compressed = response.HasHeaders && response.Headers.TryGetValue("Content-Encoding", out var encoding)
            && !StringValues.IsNullOrEmpty(encoding) && !encoding.ToString().Equals("identity", StringComparison.OrdinalIgnoreCase);
        return compressed || !IsTextMediaType(response.ContentType) || !System.Text.Unicode.Utf8.IsValid(bytes);
    }

    internal static bool IsTextMediaType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        mediaType = (semicolon >= 0 ? mediaType[..semicolon] : mediaType).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/graphql", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The body member of an HTTP event, read as UTF-8 bytes: used as it is, or decoded from base64.</summary>
    private static bool TryDecodeBody(byte[]? utf8, bool isBase64, out ReadOnlyMemory<byte> bytes, out FunctionProblem? problem)
    {
        if (utf8 is null || !isBase64)
        {
            problem = null;
            bytes = utf8 ?? ReadOnlyMemory<byte>.Empty;
            return true;
        }

        return TryDecodeBody(Encoding.UTF8.GetString(utf8), isBase64, out bytes, out problem);
    }

    private static bool TryDecodeBody(string? body, bool isBase64, out ReadOnlyMemory<byte> bytes, out FunctionProblem? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(body))
        {
            bytes = ReadOnlyMemory<byte>.Empty;
            return true;
        }

        if (!isBase64)
        {
            bytes = Encoding.UTF8.GetBytes(body);
            return true;
        }

        var buffer = new byte[(body.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(body, buffer, out var written))
        {
            bytes = buffer.AsMemory(0, written);
            return true;
        }

        bytes = ReadOnlyMemory<byte>.Empty;
        problem = new FunctionProblem(400, "Invalid request body")
        {
            Detail = "The event says the body is base64-encoded (isBase64Encoded: true), but it is not valid base64.",
        };
        return false;
    }

    private static void AddQuery(Dictionary<string, StringValues> query, StringBuilder queryString, string name, string value, bool decoded)
    {
        if (queryString.Length > 0)
        {
            queryString.Append('&');
        }

        if (decoded)
        {
            queryString.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        else
        {
            queryString.Append(name).Append('=').Append(value);
            name = DecodeQueryComponent(name);
            value = DecodeQueryComponent(value);
        }

        query[name] = StringValues.Concat(query.TryGetValue(name, out var existing) ? existing : StringValues.Empty, value);
    }

    /// <summary>A query component decoded the form way (<c>+</c> is a space); an invalid escape stays as it is.</summary>
    private static string DecodeQueryComponent(ReadOnlySpan<char> component) => WebUtility.UrlDecode(component.ToString());

    private static Dictionary<string, string> ParseCookieHeaders(Dictionary<string, StringValues> headers)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (headers.TryGetValue("Cookie", out var values))
        {
            foreach (var header in values)
            {
                if (header is null)
                {
                    continue;
                }

                foreach (var range in header.AsSpan().Split(';'))
                {
                    AddCookie(cookies, header[range]);
                }
            }
        }

        return cookies;
    }

    private static void AddCookie(Dictionary<string, string> cookies, string cookie)
    {
        var trimmed = cookie.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return;
        }

        var equals = trimmed.IndexOf('=');
        var name = (equals < 0 ? trimmed : trimmed[..equals]).Trim().ToString();
        var value = equals < 0 ? string.Empty : trimmed[(equals + 1)..].Trim().ToString();
        cookies.TryAdd(name, value);
    }
}
