using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
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
    /// <summary>
    /// The largest declared body read into an array of its length before it arrives. A larger one is buffered as it
    /// arrives, so that a client cannot make the host allocate a large body it never sends just by declaring it.
    /// </summary>
    private const int MaxPreallocatedBodySize = 64 * 1024;

    /// <summary>The view of an empty query: ASP.NET Core's own empty collection, which answers a missing key as any query does.</summary>
    private static readonly QueryView NoQuery = new(QueryCollection.Empty);

    /// <summary>The view of no cookies: ASP.NET Core's own empty collection, as a request without a <c>Cookie</c> header has it.</summary>
    private static readonly CookieView NoCookies = new(new DefaultHttpContext().Request.Cookies);

    /// <summary>Reads the request, buffering its body.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="maxBodySize">The largest body accepted, in bytes.</param>
    /// <returns>The request, or <see langword="null"/> when its body (declared or streamed) is larger than <paramref name="maxBodySize"/>.</returns>
    /// <exception cref="OperationCanceledException">The caller went away while the body was read.</exception>
    /// <exception cref="BadHttpRequestException">The server could not read the body (a malformed chunked encoding, a truncated body).</exception>
    public static async ValueTask<FunctionHttpRequest?> ReadAsync(HttpContext context, long maxBodySize)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = await ReadBody(context, maxBodySize).ConfigureAwait(false);
        return body is { } bytes ? Create(context, bytes) : null;
    }

    /// <summary>
    /// Starts reading the body. Not itself async: a body declared empty or too large is answered at once, and a body to
    /// read costs one async method below <see cref="ReadAsync"/>, not two.
    /// </summary>
    private static ValueTask<ReadOnlyMemory<byte>?> ReadBody(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared)
        {
            if (declared > limit)
            {
                return new((ReadOnlyMemory<byte>?)null);
            }

            if (declared == 0)
            {
                return new(ReadOnlyMemory<byte>.Empty);
            }
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Our own limit is enforced below; lift the server's so that the two never disagree.
            sizeFeature.MaxRequestBodySize = null;
        }

        var cancellationToken = context.RequestAborted;
        return request.ContentLength is { } length && length is > 0 and <= MaxPreallocatedBodySize
            ? ReadDeclaredBodyAsync(request.Body, (int)length, limit, cancellationToken)
            : ReadStreamedBodyAsync(request.BodyReader, limit, cancellationToken);
    }

    /// <summary>
    /// Reads a body of declared (and modest) length straight into one array of that length: one copy, and no pipe or
    /// pipe feature in between. A body that ends early or runs on is read as it is, as the pipe would. Its
    /// state machine, when a read has to wait, comes from a pool: it never leaves this method.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadOnlyMemory<byte>?> ReadDeclaredBodyAsync(Stream body, int length, long limit, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        var read = 0;
        int count;
        while (read < length && (count = await body.ReadAsync(bytes.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += count;
        }

        if (read < length)
        {
            return bytes.AsSpan(0, read).ToArray(); // a server enforces the declared length; a stream of our own may not
        }

        // The server ends the body at its declared length, so this read returns nothing at once; a stream that runs on
        // is read to its end within the limit, as one without a declared length would be.
        var probe = ArrayPool<byte>.Shared.Rent(1);
        try
        {
            if (await body.ReadAsync(probe.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) == 0)
            {
                return bytes;
            }

            return await ReadOverrunAsync(body, bytes, probe[0], limit, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }
    }

    /// <summary>Reads the rest of a body that ran on past its declared length, within the limit.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>?> ReadOverrunAsync(Stream body, byte[] declared, byte next, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        buffer.Write(declared);
        buffer.WriteByte(next);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while (buffer.Length <= limit && (read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (buffer.Length > limit)
        {
            return null;
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a body of unknown length through the server's pipe, within the limit; its state machine is pooled too.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadOnlyMemory<byte>?> ReadStreamedBodyAsync(PipeReader reader, long limit, CancellationToken cancellationToken)
    {
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
            Query = HasNoQuery(context) ? NoQuery : new QueryView(request.Query),
            Headers = new HeaderView(request.Headers),
            Cookies = HasNoCookies(context) ? NoCookies : new CookieView(request.Cookies),
            Body = body,
        };
    }

    /// <summary>
    /// Gets whether the request has no query: no query string, and no query feature that could say otherwise. Asking
    /// the request for its query would make ASP.NET Core add a query feature only to parse nothing.
    /// </summary>
    private static bool HasNoQuery(HttpContext context) =>
        !context.Request.QueryString.HasValue && context.Features.Get<IQueryFeature>() is null;

    /// <summary>Gets whether the request has no cookies: no <c>Cookie</c> header, and no cookie feature that could say otherwise.</summary>
    private static bool HasNoCookies(HttpContext context) =>
        context.Request.Headers.Cookie.Count == 0 && context.Features.Get<IRequestCookiesFeature>() is null;

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
