using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// A response streamed to the Runtime API (<c>Lambda-Runtime-Function-Response-Mode: streaming</c>): one HTTP/1.1
/// <c>POST /response</c> with a chunked body — the HTTP integration prelude, then every write as its own chunk — that
/// ends cleanly, or with the error trailers when the function fails mid-stream. It is written on a raw socket, because
/// <see cref="HttpClient"/> cannot send request trailers. Nothing is sent until the first write or flush, so a function
/// that fails before writing is still answered with an ordinary error.
/// </summary>
internal sealed class LambdaStreamingResponse : Stream
{
    public const string ResponseModeHeader = "Lambda-Runtime-Function-Response-Mode";
    public const string ErrorBodyTrailer = "Lambda-Runtime-Function-Error-Body";
    public const string ContentType = "application/vnd.awslambda.http-integration-response";

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private readonly string _host;
    private readonly int _port;
    private readonly string _path;
    private readonly string _userAgent;
    private readonly ReadOnlyMemory<byte> _prelude;
    private TcpClient? _tcp;
    private NetworkStream? _network;
    private bool _ended;

    public LambdaStreamingResponse(string host, int port, string path, string userAgent, ReadOnlyMemory<byte> prelude)
    {
        _host = host;
        _port = port;
        _path = path;
        _userAgent = userAgent;
        _prelude = prelude;
    }

    /// <summary>Gets whether anything was sent: from then on, a failure can only be reported through the trailers.</summary>
    public bool Started => _network is not null;

    /// <summary>Gets whether the body was ended, cleanly or not.</summary>
    public bool Ended => _ended;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_ended;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        var network = await StartAsync(cancellationToken).ConfigureAwait(false);
        if (!buffer.IsEmpty)
        {
            await WriteChunkAsync(network, buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(ReadOnlySpan<byte> buffer) => WriteAsync(buffer.ToArray()).AsTask().GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_ended)
        {
            var network = await StartAsync(cancellationToken).ConfigureAwait(false);
            await network.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Ends the body cleanly (sending the prelude first if nothing was written) and reads the Runtime API's answer.</summary>
    public async Task<PostOutcome> CompleteAsync(CancellationToken cancellationToken)
    {
        var network = await StartAsync(cancellationToken).ConfigureAwait(false);
        _ended = true;
        await network.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        return await ReadAnswerAsync(network, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a started body with the error trailers (the error type, and the error JSON in base64) and reads the answer.</summary>
    public async Task<PostOutcome> FailAsync(string errorType, ReadOnlyMemory<byte> errorBody, CancellationToken cancellationToken)
    {
        var network = _network ?? throw new InvalidOperationException("Nothing was streamed: report the error with /error.");
        _ended = true;
        var trailers = string.Create(CultureInfo.InvariantCulture,
            $"0\r\n{RuntimeApiClient.ErrorTypeHeader}: {errorType}\r\n{ErrorBodyTrailer}: {Convert.ToBase64String(errorBody.Span)}\r\n\r\n");
        await network.WriteAsync(Encoding.ASCII.GetBytes(trailers), cancellationToken).ConfigureAwait(false);
        return await ReadAnswerAsync(network, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ended = true;
            _network?.Dispose();
            _tcp?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask<NetworkStream> StartAsync(CancellationToken cancellationToken)
    {
        if (_network is { } started)
        {
            return started;
        }

        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException exception)
        {
            tcp.Dispose();
            throw new RuntimeApiException("The Runtime API cannot be reached: " + exception.Message, null, exception);
        }

        _tcp = tcp;
        var network = tcp.GetStream();
        var head = string.Create(CultureInfo.InvariantCulture,
            $"POST {_path} HTTP/1.1\r\nHost: {_host}:{_port}\r\nUser-Agent: {_userAgent}\r\nContent-Type: {ContentType}\r\n{ResponseModeHeader}: streaming\r\nTransfer-Encoding: chunked\r\nTrailer: {RuntimeApiClient.ErrorTypeHeader}, {ErrorBodyTrailer}\r\n\r\n");
        await network.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await WriteChunkAsync(network, _prelude, cancellationToken).ConfigureAwait(false);
        _network = network;
        return network;
    }

    private static async ValueTask WriteChunkAsync(NetworkStream network, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await network.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("X", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken).ConfigureAwait(false);
        await network.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await network.WriteAsync(CrLf, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the status line of the Runtime API's answer (its body, if any, is small and not needed).</summary>
    private static async Task<PostOutcome> ReadAnswerAsync(NetworkStream network, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await network.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                break;
            }

            read += count;
            if (buffer.AsSpan(0, read).IndexOf("\r\n"u8) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(buffer, 0, Math.Max(0, buffer.AsSpan(0, read).IndexOf("\r\n"u8)));
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new RuntimeApiException("The Runtime API's answer to a streamed response cannot be read: '" + line + "'.");
        }

        return RuntimeApiClient.OutcomeOf(status)
            ?? throw new RuntimeApiException($"POST /response (streamed) answered {status}.", (System.Net.HttpStatusCode)status);
    }
}
