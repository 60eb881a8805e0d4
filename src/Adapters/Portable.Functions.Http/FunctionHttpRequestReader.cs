using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.Http;

/// <summary>
/// Turns an ASP.NET Core request into a <see cref="FunctionHttpRequest"/> with a buffered, size-limited body; the
/// headers, query and cookies are views of ASP.NET Core's own collections, not copies.
/// </summary>
public static class FunctionHttpRequestReader
{
    /// <summary>Reads the request, buffering its body.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="maxBodySize">The largest body accepted, in bytes.</param>
    /// <returns>The request, or <see langword="null"/> when its body (declared or streamed) is larger than <paramref name="maxBodySize"/>.</returns>
    /// <exception cref="OperationCanceledException">The caller went away while the body was read.</exception>
    /// <exception cref="BadHttpRequestException">The server could not read the body (a malformed chunked encoding, a truncated body).</exception>
    public static async ValueTask<FunctionHttpRequest?> ReadAsync(HttpContext context, long maxBodySize)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = await ReadBodyAsync(context, maxBodySize).ConfigureAwait(false);
        return body is { } bytes ? Create(context, bytes) : null;
    }

    private static async ValueTask<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared)
        {
            if (declared > limit)
            {
                return null;
            }

            if (declared == 0)
            {
                return ReadOnlyMemory<byte>.Empty;
            }
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Our own limit is enforced below; lift the server's so that the two never disagree.
            sizeFeature.MaxRequestBodySize = null;
        }

        var reader = request.BodyReader;
        var cancellationToken = context.RequestAborted;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = buffer.Length == 0 ? [] : buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static FunctionHttpRequest Create(HttpContext context, ReadOnlyMemory<byte> body)
    {
        var request = context.Request;
        var queryString = request.QueryString.HasValue ? request.QueryString.Value!.Substring(1) : string.Empty;
        return new FunctionHttpRequest
        {
            Method = request.Method,
            Path = request.PathBase.Add(request.Path).Value is { Length: > 0 } path ? path : "/",
            QueryString = queryString,
            Query = new QueryView(request.Query),
            Headers = new HeaderView(request.Headers),
            Cookies = new CookieView(request.Cookies),
            Body = body,
        };
    }

    /// <summary>A read-only dictionary view of the request headers, without copying them.</summary>
    private sealed class HeaderView(IHeaderDictionary headers) : IReadOnlyDictionary<string, StringValues>
    {
        public StringValues this[string key] => headers[key];

        public IEnumerable<string> Keys => headers.Keys;

        public IEnumerable<StringValues> Values => headers.Values;

        public int Count => headers.Count;

        public bool ContainsKey(string key) => headers.ContainsKey(key);

        public bool TryGetValue(string key, out StringValues value) => headers.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => headers.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A read-only dictionary view of the query, without copying it.</summary>
    private sealed class QueryView(IQueryCollection query) : IReadOnlyDictionary<string, StringValues>
    {
        public StringValues this[string key] => query[key];

        public IEnumerable<string> Keys => query.Keys;

        public IEnumerable<StringValues> Values
        {
            get
            {
                foreach (var pair in query)
                {
                    yield return pair.Value;
                }
            }
        }

        public int Count => query.Count;

        public bool ContainsKey(string key) => query.ContainsKey(key);

        public bool TryGetValue(string key, out StringValues value) => query.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => query.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A read-only dictionary view of the request cookies, without copying them.</summary>
    private sealed class CookieView(IRequestCookieCollection cookies) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => cookies[key] ?? throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => cookies.Keys;

        public IEnumerable<string> Values
        {
            get
            {
                foreach (var pair in cookies)
                {
                    yield return pair.Value;
                }
            }
        }

        public int Count => cookies.Count;

        public bool ContainsKey(string key) => cookies.ContainsKey(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => cookies.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => cookies.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
