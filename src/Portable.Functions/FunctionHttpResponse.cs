using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions;

/// <summary>
/// A provider-neutral HTTP response: a buffered <see cref="Body"/>, or a body the function writes progressively
/// (<see cref="Stream(Func{System.IO.Stream, CancellationToken, Task}, string, int)"/>).
/// </summary>
public sealed class FunctionHttpResponse
{
    private Dictionary<string, StringValues>? _headers;
    private List<string>? _cookies;
    private ReadOnlyMemory<byte> _body;
    private int _bodyPooled; // 1 while Body is an array rented by the core (any other body set turns it off)

    /// <summary>Gets or sets the status code.</summary>
    /// <value>The default value is 200.</value>
    public int StatusCode { get; set; } = 200;

    /// <summary>Gets or sets the media type of the body, or <see langword="null"/> for none.</summary>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the body.</summary>
    public ReadOnlyMemory<byte> Body
    {
        get => _body;
        set
        {
            _body = value;
            Volatile.Write(ref _bodyPooled, 0);
        }
    }

    /// <summary>Gets the response headers (other than <c>Content-Type</c> and <c>Set-Cookie</c>); names are case-insensitive.</summary>
    public IDictionary<string, StringValues> Headers =>
        _headers ??= new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the <c>Set-Cookie</c> header values.</summary>
    public IList<string> Cookies => _cookies ??= [];

    /// <summary>
    /// Gets the writer of a streamed body, or <see langword="null"/> for a buffered one. Hosts that can stream (the HTTP
    /// and Functions Framework hosts, the Azure ASP.NET Core integration, Lambda Function URLs) send the status and
    /// headers first, then each write as it comes; the others receive the body buffered.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? BodyWriter { get; internal set; }

    /// <summary>Gets whether any header was added, without allocating the collection.</summary>
    public bool HasHeaders => _headers is { Count: > 0 };

    /// <summary>Gets whether any cookie was added, without allocating the collection.</summary>
    public bool HasCookies => _cookies is { Count: > 0 };

    /// <summary>Creates a JSON response.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value to serialize.</param>
    /// <param name="typeInfo">The source-generated type information for <typeparamref name="T"/>.</param>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The response.</returns>
    public static FunctionHttpResponse Json<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new FunctionHttpResponse
        {
            StatusCode = statusCode,
            ContentType = MediaTypes.Json,
            Body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo),
        };
    }

    /// <summary>Creates a plain-text response encoded as UTF-8.</summary>
    /// <param name="text">The text.</param>
    /// <param name="statusCode">The status code.</param>
    /// <param name="contentType">The media type.</param>
    /// <returns>The response.</returns>
    public static FunctionHttpResponse Text(string text, int statusCode = 200, string contentType = "text/plain; charset=utf-8")
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FunctionHttpResponse { StatusCode = statusCode, ContentType = contentType, Body = Encoding.UTF8.GetBytes(text) };
    }

    /// <summary>Creates a response with raw bytes.</summary>
    /// <param name="body">The body.</param>
    /// <param name="contentType">The media type.</param>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The response.</returns>
    public static FunctionHttpResponse Bytes(ReadOnlyMemory<byte> body, string contentType = "application/octet-stream", int statusCode = 200) =>
        new() { StatusCode = statusCode, ContentType = contentType, Body = body };

    /// <summary>
    /// Creates a response whose body the function writes progressively: <paramref name="writeBody"/> runs after the
    /// function returned, within the invocation (its scope, its deadline token — the one passed to the writer — and its
    /// error handling), with the transport's stream. A failure before anything was sent is an ordinary 500; after, the
    /// host ends the stream as its platform reports a broken response.
    /// </summary>
    /// <param name="writeBody">Writes the body; flush to send what was written so far.</param>
    /// <param name="contentType">The media type.</param>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The response.</returns>
    public static FunctionHttpResponse Stream(Func<Stream, CancellationToken, Task> writeBody, string contentType = "application/octet-stream", int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        return new FunctionHttpResponse { StatusCode = statusCode, ContentType = contentType, BodyWriter = writeBody };
    }

    /// <summary>Creates a response whose body is sent chunk by chunk as <paramref name="chunks"/> yields them, each flushed.</summary>
    /// <param name="chunks">The body's chunks.</param>
    /// <param name="contentType">The media type.</param>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The response.</returns>
    public static FunctionHttpResponse Stream(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string contentType = "application/octet-stream", int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return Stream(
            async (stream, cancellationToken) =>
            {
                await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            contentType,
            statusCode);
    }

    /// <summary>Sets a body serialized into an array rented from the shared pool; <see cref="ReleasePooledBody"/> returns it.</summary>
    internal void SetPooledBody(byte[] array, int length)
    {
        Body = new ReadOnlyMemory<byte>(array, 0, length);
        Volatile.Write(ref _bodyPooled, 1);
    }

    /// <summary>
    /// Returns a pooled body's array, once the host has sent it: the body reads empty from then on. A body set since is
    /// not the core's, and is kept.
    /// </summary>
    internal void ReleasePooledBody()
    {
        if (Interlocked.Exchange(ref _bodyPooled, 0) == 0
            || !System.Runtime.InteropServices.MemoryMarshal.TryGetArray(_body, out var segment) || segment.Array is not { } array)
        {
            return;
        }

        _body = default;
        PooledJsonBody.Return(array);
    }

    /// <summary>Turns a streamed body into a buffered one, for a host that cannot stream.</summary>
    internal async Task BufferAsync(CancellationToken cancellationToken)
    {
        if (BodyWriter is not { } writer)
        {
            return;
        }

        using var buffer = new MemoryStream();
        await writer(buffer, cancellationToken).ConfigureAwait(false);
        Body = buffer.ToArray();
        BodyWriter = null;
    }

    /// <summary>Creates a response without a body.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The response.</returns>
    public static FunctionHttpResponse Empty(int statusCode = 204) => new() { StatusCode = statusCode };

    /// <summary>Creates an RFC 9457 <c>application/problem+json</c> response.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>The response, with the problem's status.</returns>
    public static FunctionHttpResponse Problem(FunctionProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new FunctionHttpResponse
        {
            StatusCode = problem.Status,
            ContentType = MediaTypes.ProblemJson,
            Body = ProblemJsonWriter.Write(problem),
        };
    }
}
