using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portable.Functions.AwsLambda;

/// <summary>One answer of the Runtime API: its status, headers and body.</summary>
internal sealed class RuntimeApiResponse(int status, List<KeyValuePair<string, string>> headers, byte[] body)
{
    public int Status { get; } = status;

    public byte[] Body { get; } = body;

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The first non-empty value of a header (names are case-insensitive), or <see langword="null"/>.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in headers)
        {
            if (value.Length > 0 && key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The start of the body as text, for an error message.</summary>
    public string Describe()
    {
        if (Body.Length == 0)
        {
            return ".";
        }

        var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 512));
        return string.IsNullOrWhiteSpace(text) ? "." : ": " + text;
    }
}

/// <summary>
/// The HTTP/1.1 the Runtime API speaks — plain text on loopback, one request at a time per connection, keep-alive —
/// written directly on sockets. <see cref="HttpClient"/> would do the same for a few milliseconds more of every cold
/// start (its handler, connection pool and header machinery) and about a megabyte of Native AOT binary. Responses may
/// carry a <c>Content-Length</c>, be chunked (trailers are read and ignored), or end with the connection. A request
/// that finds its kept-alive connection closed by the server before any answer is sent again on a new one. Idle
/// connections are pooled, so concurrent loops (Lambda Managed Instances) each get one.
/// <para>
/// A request may take a second one along (<see cref="SendAsync(string, string, string?, ReadOnlyMemory{byte}, ValueTuple{string, string}[], byte[], CancellationToken)"/>):
/// it goes out behind the first, before the first is answered — HTTP/1.1 pipelining, which servers answer in the order
/// of the requests — and its answer is read later through the <see cref="PendingAnswer"/> that holds the connection.
/// </para>
/// <para>
/// A request made on a thread that is neither a thread-pool thread nor under a synchronization context — the
/// process's main thread, where the single invocation loop runs — uses blocking calls: that thread has nothing else to
/// do while it waits for the next invocation, and the answer wakes it directly, where asynchronous I/O would start
/// thread-pool workers at cold start and hand every answer from the socket engine's thread to one of them (see
/// docs/benchmarks.md). On Linux those are the C library's own calls (<see cref="NativeSocket"/>), which spare the
/// socket engine's start. Cancelling such a request shuts its connection down. Requests on other threads (concurrent
/// loops, tests) are asynchronous.
/// </para>
/// </summary>
internal sealed class RuntimeApiTransport : IDisposable
{
    /// <summary>Longer status lines and headers are not an answer of the Runtime API.</summary>
    private const int MaxHeadBytes = 256 * 1024;

    /// <summary>A request body up to this size is copied behind the head and sent with it.</summary>
    private const int MaxInlineBodyBytes = 64 * 1024;

    private static ReadOnlySpan<byte> RequestLineEnd => " HTTP/1.1\r\n"u8;

    private static ReadOnlySpan<byte> ContentTypeName => "Content-Type: "u8;

    private static ReadOnlySpan<byte> ContentLengthName => "Content-Length: "u8;

    private readonly string _host;
    private readonly int _port;
    private readonly bool _nativeSockets;
    private readonly byte[] _fixedHeaders;
    private readonly ConcurrentStack<Connection> _idle = new();
    private Task<Connection>? _opening;
    private bool _disposed;

    /// <param name="host">The Runtime API's host: an address, <c>localhost</c> or a name.</param>
    /// <param name="port">The Runtime API's port.</param>
    /// <param name="userAgent">The <c>User-Agent</c> of every request.</param>
    /// <param name="nativeSockets">Whether blocking requests may use <see cref="NativeSocket"/> (tests turn it off to cover <see cref="Socket"/>'s blocking path).</param>
    public RuntimeApiTransport(string host, int port, string userAgent, bool nativeSockets = true)
    {
        _host = host;
        _port = port;
        _nativeSockets = nativeSockets;
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        _fixedHeaders = Encoding.ASCII.GetBytes($"Host: {authority}\r\nUser-Agent: {userAgent}\r\n");
    }

    /// <summary>
    /// Opens the first connection — on the main thread at once (a loopback handshake), elsewhere in the background while
    /// the runtime builds its services; the first request takes it. A failure to connect surfaces on that request.
    /// </summary>
    public void Preconnect()
    {
        if (CanBlock())
        {
            try
            {
                _idle.Push(Connect());
            }
            catch (SocketException)
            {
                // The first request connects again and reports the failure.
            }
        }
        else if (_opening is null)
        {
            _opening = ConnectAsync(CancellationToken.None);
            _opening.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Sends one request and reads its whole answer.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API cannot be reached, or its answer cannot be read.</exception>
    public async Task<RuntimeApiResponse> SendAsync(string method, string path, string? contentType, ReadOnlyMemory<byte> body,
        (string Name, string Value)[]? headers, CancellationToken cancellationToken) =>
        (await SendAsync(method, path, contentType, body, headers, then: null, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>
    /// Sends one request and, right behind it on the same connection, a second (<paramref name="then"/>, made by
    /// <see cref="Format"/>) before the first is answered; reads the first answer.
    /// </summary>
    /// <returns>
    /// The first answer, and the second to read with <see cref="PendingAnswer.ReadAsync"/> — or no second when the server
    /// closes the connection after the first answer, having not read the second request (send it again).
    /// </returns>
    /// <exception cref="RuntimeApiException">The Runtime API cannot be reached, or its answer cannot be read.</exception>
    public async Task<(RuntimeApiResponse Response, PendingAnswer? Then)> SendAsync(string method, string path, string? contentType,
        ReadOnlyMemory<byte> body, (string Name, string Value)[]? headers, byte[]? then, CancellationToken cancellationToken)
    {
        var request = FormatRequest(method, path, contentType, body, headers, then, out var rest, out var thenRest);
        try
        {
            return await SendFormattedAsync(request, rest, thenRest, then, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(request.Array!);
        }
    }

    /// <summary>A request without a body, its bytes ready to send as they are: a pipelined request, or one for <see cref="SendFormattedAsync(byte[], CancellationToken)"/>.</summary>
    public byte[] Format(string method, string path)
    {
        var request = FormatRequest(method, path, null, default, null, null, out _, out _);
        var bytes = request.AsSpan().ToArray();
        ArrayPool<byte>.Shared.Return(request.Array!);
        return bytes;
    }

    /// <summary>Sends a request made by <see cref="Format"/> and reads its whole answer.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API cannot be reached, or its answer cannot be read.</exception>
    public async Task<RuntimeApiResponse> SendFormattedAsync(byte[] request, CancellationToken cancellationToken) =>
        (await SendFormattedAsync(request, default, default, then: null, cancellationToken).ConfigureAwait(false)).Response;

    // `request` and `rest` are the request; `thenRest`, what remains to send of the pipelined one behind them (`then`,
    // whole, which was copied into `request` when it fit).
    private async Task<(RuntimeApiResponse Response, PendingAnswer? Then)> SendFormattedAsync(ArraySegment<byte> request, ReadOnlyMemory<byte> rest,
        ReadOnlyMemory<byte> thenRest, byte[]? then, CancellationToken cancellationToken)
    {
        var blocking = CanBlock();
        try
        {
            while (true)
            {
                var reused = _idle.TryPop(out var connection);
                if (connection is null && Interlocked.Exchange(ref _opening, null) is { } opening)
                {
                    try
                    {
                        connection = await opening.ConfigureAwait(false);
                        reused = true; // opened a while ago: the server may have closed it since
                    }
                    catch (SocketException)
                    {
                        // Connect again below: that failure is the one to report.
                    }
                }

                if (connection is { IsNative: true } && !blocking)
                {
                    // A connection on the C library's blocking calls, opened on the main thread, cannot be awaited.
                    connection.Dispose();
                    connection = null;
                }

                connection ??= blocking ? Connect() : await ConnectAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var (response, keepAlive) = blocking
                        ? connection.Exchange(request, rest, thenRest, cancellationToken)
                        : await connection.ExchangeAsync(request, rest, thenRest, cancellationToken).ConfigureAwait(false);
                    if (then is not null && keepAlive && !_disposed && !(blocking && cancellationToken.IsCancellationRequested))
                    {
                        return (response, new PendingAnswer(this, connection, then));
                    }

                    Release(connection, keepAlive && then is null, blocking, cancellationToken);
                    return (response, null);
                }
                catch (StaleConnectionException) when (reused && !cancellationToken.IsCancellationRequested)
                {
                    // The server closed the kept-alive connection before it read this request: send it again.
                    connection.Dispose();
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            }
        }
        catch (Exception exception) when (Translate(exception, blocking, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Pools a connection whose exchange is over, or closes it.</summary>
    private void Release(Connection connection, bool keepAlive, bool blocking, CancellationToken cancellationToken)
    {
        // A blocking request cancelled as it completed may have had its connection closed: not reused.
        if (keepAlive && !_disposed && !(blocking && cancellationToken.IsCancellationRequested))
        {
            _idle.Push(connection);
        }
        else
        {
            connection.Dispose();
        }
    }

    /// <summary>What a failed exchange throws instead of <paramref name="exception"/>, or <see langword="null"/> to let it through.</summary>
    private static Exception? Translate(Exception exception, bool blocking, CancellationToken cancellationToken) => exception switch
    {
        // A blocking request is cancelled by closing its connection: whatever that made the socket throw means this.
        not OperationCanceledException when blocking && cancellationToken.IsCancellationRequested =>
            new OperationCanceledException(null, exception, cancellationToken),
        StaleConnectionException => new RuntimeApiException("The Runtime API closed the connection without answering.", null, exception),
        SocketException or IOException or ObjectDisposedException when !cancellationToken.IsCancellationRequested =>
            new RuntimeApiException("The Runtime API cannot be reached: " + exception.Message, null, exception),
        _ => null,
    };

    public void Dispose()
    {
        _disposed = true;
        if (Interlocked.Exchange(ref _opening, null) is { IsCompletedSuccessfully: true } opened)
        {
            opened.Result.Dispose();
        }

        while (_idle.TryPop(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>
    /// The request's head — and its body too when that is small, and then the pipelined request, so that a response or
    /// an error report goes out in one write and one segment; <paramref name="rest"/> is what remains to send of the
    /// body after it, <paramref name="thenRest"/> what remains of the pipelined request after that.
    /// </summary>
    private ArraySegment<byte> FormatRequest(string method, string path, string? contentType, ReadOnlyMemory<byte> body,
        (string Name, string Value)[]? headers, byte[]? then, out ReadOnlyMemory<byte> rest, out ReadOnlyMemory<byte> thenRest)
    {
        // Written straight into the pooled buffer, measured first: no string of the head is made.
        Span<byte> contentLength = stackalloc byte[11];
        var post = method == "POST";
        var digits = 0;
        if (post)
        {
            _ = body.Length.TryFormat(contentLength, out digits, default, CultureInfo.InvariantCulture); // 11 bytes hold any int
        }

        var headLength = Encoding.UTF8.GetByteCount(method) + 1 + Encoding.UTF8.GetByteCount(path) + RequestLineEnd.Length + _fixedHeaders.Length
            + (contentType is null ? 0 : ContentTypeName.Length + Encoding.UTF8.GetByteCount(contentType) + 2)
            + (post ? ContentLengthName.Length + digits + 2 : 0) + 2;
        foreach (var (name, value) in headers ?? [])
        {
            headLength += Encoding.UTF8.GetByteCount(name) + 2 + Encoding.UTF8.GetByteCount(value) + 2;
        }

        var inline = body.Length <= MaxInlineBodyBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(headLength + (inline ? body.Length + (then?.Length ?? 0) : 0));
        var written = 0;
        PutText(method);
        PutText(" ");
        PutText(path);
        PutBytes(RequestLineEnd);
        PutBytes(_fixedHeaders);
        if (contentType is not null)
        {
            PutBytes(ContentTypeName);
            PutText(contentType);
            PutBytes("\r\n"u8);
        }

        foreach (var (name, value) in headers ?? [])
        {
            PutText(name);
            PutBytes(": "u8);
            var valueStart = written;
            PutText(value);
            // A header value is one line: a line break in one would end the header early.
            buffer.AsSpan(valueStart, written - valueStart).Replace((byte)'\r', (byte)' ');
            buffer.AsSpan(valueStart, written - valueStart).Replace((byte)'\n', (byte)' ');
            PutBytes("\r\n"u8);
        }

        if (post)
        {
            PutBytes(ContentLengthName);
            PutBytes(contentLength[..digits]);
            PutBytes("\r\n"u8);
        }

        PutBytes("\r\n"u8);
        rest = body;
        thenRest = then;
        if (inline)
        {
            body.Span.CopyTo(buffer.AsSpan(written));
            written += body.Length;
            rest = ReadOnlyMemory<byte>.Empty;
            then?.CopyTo(buffer, written);
            written += then?.Length ?? 0;
            thenRest = ReadOnlyMemory<byte>.Empty;
        }

        return new ArraySegment<byte>(buffer, 0, written);

        void PutText(ReadOnlySpan<char> text) => written += Encoding.UTF8.GetBytes(text, buffer.AsSpan(written));

        void PutBytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(buffer.AsSpan(written));
            written += bytes.Length;
        }
    }

    /// <summary>Whether a request on this thread may block it (see the class's remarks).</summary>
    private static bool CanBlock() => SynchronizationContext.Current is null && !Thread.CurrentThread.IsThreadPoolThread;

    private EndPoint EndPoint() => IPAddress.TryParse(_host, out var address) ? new IPEndPoint(address, _port)
        : _host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? new IPEndPoint(IPAddress.Loopback, _port)
        : new DnsEndPoint(_host, _port);

    // An address (Lambda's 127.0.0.1:9001) gets a socket of its own family, which spares the probe of the OS's IPv6
    // support a dual-mode socket pays on first use; a host name gets a dual-mode socket, to reach either family.
    private static Socket NewSocket(EndPoint endPoint) => endPoint.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
        ? new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
        : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    private Connection Connect()
    {
        var endPoint = EndPoint();
        if (_nativeSockets && endPoint is IPEndPoint ip && NativeSocket.TryConnect(ip.Address, ip.Port) is { } native)
        {
            return new Connection(null, native);
        }

        var socket = NewSocket(endPoint);
        try
        {
            socket.Connect(endPoint);
            return new Connection(socket, null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var endPoint = EndPoint();
        var socket = NewSocket(endPoint);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new Connection(socket, null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The answer to a pipelined request, still to be read on the connection the request went out on, which it holds
    /// until then; read it once, or dispose of it to close the connection.
    /// </summary>
    internal sealed class PendingAnswer : IDisposable
    {
        private readonly RuntimeApiTransport _transport;
        private readonly byte[] _request;
        private Connection? _connection;

        internal PendingAnswer(RuntimeApiTransport transport, Connection connection, byte[] request)
        {
            _transport = transport;
            _connection = connection;
            _request = request;
        }

        /// <summary>Reads the answer, and pools the connection for the next request.</summary>
        /// <exception cref="RuntimeApiException">The Runtime API cannot be reached, or its answer cannot be read.</exception>
        public async Task<RuntimeApiResponse> ReadAsync(CancellationToken cancellationToken)
        {
            var connection = Interlocked.Exchange(ref _connection, null) ?? throw new InvalidOperationException("The pending answer was read or disposed of already.");
            var blocking = CanBlock();
            if (connection.IsNative && !blocking)
            {
                // A connection on the C library's blocking calls cannot be awaited: ask again on one of this thread's.
                connection.Dispose();
                return await _transport.SendFormattedAsync(_request, cancellationToken).ConfigureAwait(false);
            }

            (RuntimeApiResponse Response, bool KeepAlive) answer;
            try
            {
                answer = blocking ? connection.ReadAnswer(cancellationToken) : await connection.ReadAnswerAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (StaleConnectionException) when (!cancellationToken.IsCancellationRequested)
            {
                // The server closed the connection without a byte of this answer: it did not take the request. Again.
                connection.Dispose();
                return await _transport.SendFormattedAsync(_request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                connection.Dispose();
                if (Translate(exception, blocking, cancellationToken) is { } translated)
                {
                    throw translated;
                }

                throw;
            }

            _transport.Release(connection, answer.KeepAlive, blocking, cancellationToken);
            return answer.Response;
        }

        public void Dispose() => Interlocked.Exchange(ref _connection, null)?.Dispose();
    }

    /// <summary>The connection ended before the first byte of an answer.</summary>
    private sealed class StaleConnectionException(string message) : IOException(message);

    /// <summary>
    /// One kept-alive connection — a <see cref="Socket"/>, or a <see cref="NativeSocket"/> for blocking calls only — and
    /// the bytes it has received but not yet consumed.
    /// </summary>
    internal sealed class Connection(Socket? socket, NativeSocket? native) : IDisposable
    {
        // Grows (doubling) for a longer head; a body is read into its own array. Small, because fresh memory is paid for
        // in page faults at cold start.
        private byte[] _buffer = new byte[4 * 1024];
        private int _start;
        private int _end;
        private bool _blocking;

        public bool IsNative => native is not null;

        /// <summary>
        /// <see cref="ExchangeAsync"/> with blocking socket calls, on the calling thread: every await in it completes at
        /// once. Cancelling shuts a native connection down or closes a socket, either of which ends a blocked call.
        /// </summary>
        public (RuntimeApiResponse Response, bool KeepAlive) Exchange(ArraySegment<byte> head, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> then,
            CancellationToken cancellationToken)
        {
            using var closeOnCancel = CloseOnCancel(cancellationToken);
            _blocking = true;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return ExchangeAsync(head, body, then, cancellationToken).GetAwaiter().GetResult();
            }
            finally
            {
                _blocking = false;
            }
        }

        /// <summary>Sends a request (and a pipelined one behind it) and reads the answer to the first.</summary>
        public async Task<(RuntimeApiResponse Response, bool KeepAlive)> ExchangeAsync(ArraySegment<byte> head, ReadOnlyMemory<byte> body,
            ReadOnlyMemory<byte> then, CancellationToken cancellationToken)
        {
            try
            {
                await SendAsync(head, cancellationToken).ConfigureAwait(false);
                if (!body.IsEmpty)
                {
                    await SendAsync(body, cancellationToken).ConfigureAwait(false);
                }

                if (!then.IsEmpty)
                {
                    await SendAsync(then, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
            {
                throw new StaleConnectionException(exception.Message);
            }

            return await ReadAnswerAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary><see cref="ReadAnswerAsync"/> with blocking socket calls, as <see cref="Exchange"/>.</summary>
        public (RuntimeApiResponse Response, bool KeepAlive) ReadAnswer(CancellationToken cancellationToken)
        {
            using var closeOnCancel = CloseOnCancel(cancellationToken);
            _blocking = true;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return ReadAnswerAsync(cancellationToken).GetAwaiter().GetResult();
            }
            finally
            {
                _blocking = false;
            }
        }

        /// <summary>Reads the next answer on the connection: its head, then its body as the head says it is sent.</summary>
        public async Task<(RuntimeApiResponse Response, bool KeepAlive)> ReadAnswerAsync(CancellationToken cancellationToken)
        {
            var (status, headers) = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
            var keepAlive = true;
            string? transferEncoding = null;
            string? contentLength = null;
            foreach (var (name, value) in headers)
            {
                if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    transferEncoding = value;
                }
                else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = value;
                }
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Contains("close", StringComparison.OrdinalIgnoreCase))
                {
                    keepAlive = false;
                }
            }

            byte[] responseBody;
            if (status is 204 or 304 or (>= 100 and < 200))
            {
                responseBody = [];
            }
            else if (transferEncoding is not null && transferEncoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                responseBody = await ReadChunkedAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (contentLength is not null)
            {
                if (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > Array.MaxLength)
                {
                    throw new RuntimeApiException($"The Runtime API answered an invalid Content-Length '{contentLength}'.");
                }

                responseBody = await ReadExactAsync((int)length, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                responseBody = await ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                keepAlive = false;
            }

            return (new RuntimeApiResponse(status, headers, responseBody), keepAlive);
        }

        public void Dispose()
        {
            socket?.Dispose();
            native?.Dispose();
        }

        private CancellationTokenRegistration CloseOnCancel(CancellationToken cancellationToken) => !cancellationToken.CanBeCanceled ? default
            : native is not null ? cancellationToken.UnsafeRegister(static state => ((NativeSocket)state!).Abort(), native)
            : cancellationToken.UnsafeRegister(static state => ((Socket)state!).Dispose(), socket);

        private async Task<(int Status, List<KeyValuePair<string, string>> Headers)> ReadHeadAsync(CancellationToken cancellationToken)
        {
            var searched = 0; // bytes after _start known not to begin the blank line (filling may move _start)
            var received = _end > _start;
            while (true)
            {
                var end = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    end += _start + searched;
                    var head = ParseHead(_buffer.AsSpan(_start, end - _start));
                    _start = end + 4;
                    if (head.Status is >= 100 and < 200 and not 101)
                    {
                        // An interim answer (100 Continue): the real one follows.
                        searched = 0;
                        continue;
                    }

                    return head;
                }

                if (_end - _start > MaxHeadBytes)
                {
                    throw new RuntimeApiException("The Runtime API's answer has a head larger than " + MaxHeadBytes + " bytes.");
                }

                searched = Math.Max(0, _end - _start - 3);
                int count;
                try
                {
                    count = await FillAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
                {
                    throw received
                        ? new RuntimeApiException("The Runtime API reset the connection in the middle of its answer.", null, exception) { AnswerCut = true }
                        : new StaleConnectionException(exception.Message);
                }

                if (count == 0)
                {
                    throw received
                        ? new RuntimeApiException("The Runtime API closed the connection in the middle of its answer.") { AnswerCut = true }
                        : new StaleConnectionException("The connection was closed before an answer.");
                }

                received = true;
            }
        }

        private static (int Status, List<KeyValuePair<string, string>> Headers) ParseHead(ReadOnlySpan<byte> head)
        {
            var lineEnd = head.IndexOf("\r\n"u8);
            var statusLine = lineEnd < 0 ? head : head[..lineEnd];
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
                || !int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100)
            {
                throw new RuntimeApiException("The Runtime API's answer is not HTTP/1.1: '" + Encoding.ASCII.GetString(statusLine[..Math.Min(statusLine.Length, 64)]) + "'.");
            }

            var headers = new List<KeyValuePair<string, string>>(8);
            var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
            while (!rest.IsEmpty)
            {
                var next = rest.IndexOf("\r\n"u8);
                var line = next < 0 ? rest : rest[..next];
                rest = next < 0 ? [] : rest[(next + 2)..];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    throw new RuntimeApiException("The Runtime API's answer has a malformed header line.");
                }

                headers.Add(new(Encoding.ASCII.GetString(line[..colon]).Trim(), Encoding.UTF8.GetString(line[(colon + 1)..]).Trim(' ', '\t')));
            }

            return (status, headers);
        }

        private async Task<byte[]> ReadExactAsync(int length, CancellationToken cancellationToken)
        {
            var body = new byte[length];
            var buffered = Math.Min(length, _end - _start);
            _buffer.AsSpan(_start, buffered).CopyTo(body);
            _start += buffered;
            var read = buffered;
            while (read < length)
            {
                int count;
                try
                {
                    count = await ReceiveAsync(body.AsMemory(read), cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
                {
                    count = 0;
                }

                if (count == 0)
                {
                    throw new RuntimeApiException($"The Runtime API closed the connection after {read} of {length} bytes.") { AnswerCut = true };
                }

                read += count;
            }

            return body;
        }

        private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
        {
            var body = new ArrayBufferWriter<byte>();
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                var extension = line.IndexOf(';', StringComparison.Ordinal);
                var sizeText = (extension < 0 ? line : line[..extension]).Trim();
                if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                {
                    throw new RuntimeApiException("The Runtime API's chunked answer has an invalid chunk size '" + sizeText + "'.");
                }

                if (size == 0)
                {
                    while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                    {
                        // A trailer: nothing the runtime needs.
                    }

                    return body.WrittenSpan.ToArray();
                }

                var chunk = await ReadExactAsync(size, cancellationToken).ConfigureAwait(false);
                body.Write(chunk);
                if ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length != 0)
                {
                    throw new RuntimeApiException("The Runtime API's chunked answer has a chunk longer than its size.");
                }
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (end >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, end);
                    _start += end + 2;
                    return line;
                }

                if (_end - _start > MaxHeadBytes)
                {
                    throw new RuntimeApiException("The Runtime API's chunked answer has a line longer than " + MaxHeadBytes + " bytes.");
                }

                if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new RuntimeApiException("The Runtime API closed the connection in the middle of its answer.") { AnswerCut = true };
                }
            }
        }

        private async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
        {
            while (await FillAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            var body = _buffer.AsSpan(_start, _end - _start).ToArray();
            _start = _end;
            return body;
        }

        /// <summary>Receives more bytes after the unread ones, making room first; 0 at the end of the stream.</summary>
        private async Task<int> FillAsync(CancellationToken cancellationToken)
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _buffer.Length)
            {
                if (_start > 0)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }
                else
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
            }

            var count = await ReceiveAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _end += count;
            return count;
        }

        private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => native is not null
            ? ValueTask.FromResult(native.Receive(buffer.Span))
            : _blocking ? ValueTask.FromResult(socket!.Receive(buffer.Span, SocketFlags.None))
            : socket!.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

        private ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            if (native is not null)
            {
                native.Send(buffer.Span);
                return default;
            }

            if (!_blocking)
            {
                return SendAllAsync(buffer, cancellationToken);
            }

            for (var sent = 0; sent < buffer.Length;)
            {
                sent += socket!.Send(buffer.Span[sent..], SocketFlags.None);
            }

            return default;
        }

        private async ValueTask SendAllAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
            await socket!.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }
}
