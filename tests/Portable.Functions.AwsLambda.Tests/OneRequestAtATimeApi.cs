using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// A Runtime API as a hasty mock is written: each read is taken for one whole request, and whatever follows the request
/// in it is dropped. It hands out its events, then holds the next <c>GET /next</c> until it is disposed of.
/// </summary>
internal sealed class OneRequestAtATimeApi : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<string> _events;
    private readonly List<string> _responses = [];
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IReadOnlyList<string>> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _expected;
    private int _invocations;

    private OneRequestAtATimeApi(string[] events)
    {
        _events = new Queue<string>(events);
        _expected = events.Length;
    }

    public string Address => "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes with the bodies of the responses once every event was answered.</summary>
    public Task<IReadOnlyList<string>> Answered => _answered.Task;

    public static OneRequestAtATimeApi Start(params string[] events)
    {
        var api = new OneRequestAtATimeApi(events);
        api._listener.Start();
        _ = api.AcceptAsync();
        return api;
    }

    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync()
    {
        while (!_disposed.Task.IsCompleted)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    var text = Encoding.UTF8.GetString(buffer, 0, read);
                    var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (text.StartsWith("GET /2018-06-01/runtime/invocation/next", StringComparison.Ordinal))
                    {
                        string? next;
                        lock (_events)
                        {
                            _events.TryDequeue(out next);
                        }

                        if (next is null)
                        {
                            await _disposed.Task;
                            return;
                        }

                        var id = "r-" + Interlocked.Increment(ref _invocations);
                        var deadline = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(
                            $"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: {id}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nContent-Length: {Encoding.UTF8.GetByteCount(next)}\r\n\r\n{next}"));
                        continue;
                    }

                    // The body is what came with the head in this read (the runtime sends a small one in one write).
                    lock (_responses)
                    {
                        _responses.Add(headEnd < 0 ? string.Empty : text[(headEnd + 4)..]);
                        if (_responses.Count == _expected)
                        {
                            _answered.TrySetResult([.. _responses]);
                        }
                    }

                    await stream.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}"u8.ToArray());
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
