using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.WebUtilities;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>
/// A test's HTTP request as the host sees it after routing it to a function: the absolute URL, the route values
/// matched against the function's route, the query, the headers and the buffered body. Becomes the <c>RpcHttp</c>
/// input and the HTTP trigger metadata, or is proxied to the worker as it is.
/// </summary>
internal sealed class HttpTriggerRequest
{
    /// <summary>The header the host tags a proxied request with, by which the worker pairs it with the invocation.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private HttpTriggerRequest(string method, Uri url, List<KeyValuePair<string, string>> headers, byte[] body, string? mediaType, Dictionary<string, string> routeValues)
    {
        Method = method;
        Url = url;
        Headers = headers;
        Body = body;
        MediaType = mediaType;
        RouteValues = routeValues;
        Query = QueryHelpers.ParseQuery(url.Query);
    }

    public string Method { get; }

    public Uri Url { get; }

    /// <summary>Gets the headers as sent: names as the test wrote them, repeated values joined.</summary>
    public List<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    public string? MediaType { get; }

    public Dictionary<string, string> RouteValues { get; }

    public Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Query { get; }

    public static async Task<HttpTriggerRequest> CreateAsync(HttpRequestMessage request, EmulatedFunction function, AzureFunctionsHostEmulatorOptions options, CancellationToken cancellationToken)
    {
        var trigger = function.Trigger!;
        var route = trigger.GetProperty("route") ?? function.Name;
        var prefix = options.RoutePrefix.Trim('/');
        var url = request.RequestUri switch
        {
            null when !route.Contains('{', StringComparison.Ordinal) => new Uri(options.HostBaseAddress, "/" + JoinPath(prefix, route)),
            null => throw new ArgumentException($"The route '{route}' of function '{function.Name}' has parameters: give the request a URI.", nameof(request)),
            { IsAbsoluteUri: true } absolute => absolute,
            var relative => new Uri(options.HostBaseAddress, relative),
        };

        var method = request.Method.Method.ToUpperInvariant();
        var methods = trigger.GetStrings("methods");
        if (methods.Count > 0 && !methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Function '{function.Name}' accepts {string.Join(", ", methods)}, not {method}.", nameof(request));
        }

        var routeValues = MatchRoute(function.Name, prefix, route, url.AbsolutePath);
        var headers = new List<KeyValuePair<string, string>>();
        Add(request.Headers);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (request.Content is not null)
        {
            Add(request.Content.Headers);
        }

        if (!headers.Exists(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Insert(0, new("Host", url.Authority));
        }

        return new HttpTriggerRequest(method, url, headers, body, request.Content?.Headers.ContentType?.MediaType, routeValues);

        void Add(HttpHeaders source)
        {
            foreach (var (name, values) in source)
            {
                headers.Add(new(name, string.Join(name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ",", values)));
            }
        }
    }

    /// <summary>The <c>RpcHttp</c> the host sends, shaped by the capabilities the worker advertised.</summary>
    public RpcHttp ToRpcHttp(IReadOnlyDictionary<string, string> capabilities)
    {
        var nullable = capabilities.ContainsKey("UseNullableValueDictionaryForHttp");
        var http = new RpcHttp { Method = Method, Url = Url.AbsoluteUri };
        foreach (var (name, values) in Query)
        {
            var value = values.ToString();
            if (nullable)
            {
                http.NullableQuery[name] = new NullableString { Value = value };
            }
            else if (value.Length > 0)
            {
                http.Query[name] = value;
            }
        }

        foreach (var (name, value) in Headers)
        {
            var key = name.ToLowerInvariant();
            if (nullable)
            {
                http.NullableHeaders[key] = new NullableString { Value = value };
            }
            else if (value.Length > 0 || !capabilities.ContainsKey("IgnoreEmptyValuedRpcHttpHeaders"))
            {
                http.Headers[key] = value;
            }
        }

        foreach (var (name, value) in RouteValues)
        {
            if (nullable)
            {
                http.NullableParams[name] = new NullableString { Value = value };
            }
            else
            {
                http.Params[name] = value;
            }
        }

        if (Body.Length > 0)
        {
            var rawBytes = capabilities.ContainsKey("RawHttpBodyBytes");
            var binary = MediaType is { } media && (media.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) || media.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));
            var text = Encoding.UTF8.GetString(Body);
            if (capabilities.ContainsKey("RpcHttpBodyOnly"))
            {
                http.Body = binary || rawBytes ? new TypedData { Bytes = ByteString.CopyFrom(Body) } : new TypedData { String = text };
            }
            else
            {
                http.Body = binary ? new TypedData { Bytes = ByteString.CopyFrom(Body) }
                    : string.Equals(MediaType, "application/json", StringComparison.OrdinalIgnoreCase) && IsJson(text) ? new TypedData { Json = text }
                    : new TypedData { String = text };
                http.RawBody = rawBytes ? new TypedData { Bytes = ByteString.CopyFrom(Body) } : new TypedData { String = text };
            }
        }

        return http;
    }

    /// <summary>
    /// The HTTP trigger's binding data: each route value and query value by name (except <c>code</c>), and the
    /// <c>Query</c> and <c>Headers</c> dictionaries as JSON objects.
    /// </summary>
    public void AddTriggerMetadata(MapField<string, TypedData> metadata)
    {
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in Query)
        {
            query[name] = values.ToString();
            if (!name.Equals("code", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name] = new TypedData { String = values.ToString() };
            }
        }

        foreach (var (name, value) in RouteValues)
        {
            metadata[name] = new TypedData { String = value };
        }

        metadata["Query"] = new TypedData { Json = ToJsonObject(query) };
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in Headers)
        {
            headers[name] = value;
        }

        metadata["Headers"] = new TypedData { Json = ToJsonObject(headers) };
    }

    /// <summary>The request to send to the worker's own HTTP server: same method, path, query, headers and body, plus the invocation id.</summary>
    public HttpRequestMessage ToProxiedRequest(Uri httpUri, string invocationId)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(httpUri, Url.PathAndQuery));
        var content = Body.Length > 0 || MediaType is not null ? new ByteArrayContent(Body) : null;
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Content = content;
        message.Headers.Remove(InvocationIdHeader);
        message.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        return message;
    }

    private static Dictionary<string, string> MatchRoute(string functionName, string prefix, string route, string path)
    {
        var relative = path;
        if (prefix.Length > 0)
        {
            var expected = "/" + prefix;
            if (!path.StartsWith(expected, StringComparison.OrdinalIgnoreCase) || (path.Length > expected.Length && path[expected.Length] != '/'))
            {
                throw new ArgumentException($"The request path '{path}' is not under the route prefix '/{prefix}'.", nameof(path));
            }

            relative = path[expected.Length..];
        }

        var template = TemplateParser.Parse(route.TrimStart('/'));
        var defaults = new RouteValueDictionary();
        foreach (var parameter in template.Parameters)
        {
            if (parameter.DefaultValue is not null)
            {
                defaults[parameter.Name!] = parameter.DefaultValue;
            }
        }

        var values = new RouteValueDictionary();
        if (!new TemplateMatcher(template, defaults).TryMatch(new PathString(relative.Length == 0 ? "/" : relative), values))
        {
            throw new ArgumentException($"The request path '{path}' does not match the route '{JoinPath(prefix, route)}' of function '{functionName}'.", nameof(path));
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                result[name] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
            }
        }

        return result;
    }

    private static string JoinPath(string prefix, string route) => prefix.Length == 0 ? route.TrimStart('/') : prefix + "/" + route.TrimStart('/');

    private static string ToJsonObject(Dictionary<string, string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
