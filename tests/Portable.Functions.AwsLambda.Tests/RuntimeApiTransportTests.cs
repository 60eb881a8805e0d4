using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The Runtime API client's HTTP/1.1 over sockets, against a server scripted byte by byte: every answer framing HTTP
/// allows (length, chunks with extensions and trailers, end of stream), answers split across reads, kept-alive and
/// closed connections, and answers that are not HTTP.
/// </summary>
public sealed class RuntimeApiTransportTests
{
    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_ContentLengthAnswer_ReadsStatusHeadersAndBody_AndSendsTheRequestAsWritten(Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            var request = await connection.ReadRequestAsync();
            connection.Received.Add(request);
            await connection.WriteAsync("HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id:  r-1 \r\nContent-Length: 5\r\n\r\nhello");
        });
        using var transport = NewTransport(caller, server.Port, "tests/1.0");

        var response = await On(caller, () => transport.SendAsync("POST", "/2018-06-01/runtime/invocation/r-0/error", "application/json", "{}"u8.ToArray(), [("Lambda-Runtime-Function-Error-Type", "Bad\r\nInjected: yes")], CancellationToken.None));

        Assert.Equal((200, "hello", "r-1"), (response.Status, Encoding.UTF8.GetString(response.Body), response.Header("Lambda-Runtime-Aws-Request-Id")));
        var sent = Assert.Single(server.Received);
        Assert.StartsWith("POST /2018-06-01/runtime/invocation/r-0/error HTTP/1.1\r\nHost: 127.0.0.1:" + server.Port + "\r\nUser-Agent: tests/1.0\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nLambda-Runtime-Function-Error-Type: Bad  Injected: yes\r\n", sent, StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 2\r\n\r\n{}", sent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_ChunkedAnswerWithExtensionsAndTrailers_DeliveredOneByteAtATime_IsReassembled(Caller caller)
    {
        const string answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=value\r\n{\"a\"\r\nB\r\n:\"0123456\"}\r\n0\r\nX-Trailer: t\r\n\r\n";
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            foreach (var b in Encoding.ASCII.GetBytes(answer))
            {
                await connection.WriteAsync([b]);
            }
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        var response = await On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));

        Assert.Equal("""{"a":"0123456"}""", Encoding.UTF8.GetString(response.Body));
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_KeptAliveConnection_IsReused_AndOneClosedByTheServer_IsReplacedWithoutLosingTheRequest(Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            // Two answers on this connection, then it is closed without notice, as an idle connection may be.
            for (var i = 0; i < 2; i++)
            {
                await connection.ReadRequestAsync();
                await connection.WriteAsync($"HTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\n{i}");
            }
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(Encoding.UTF8.GetString((await On(caller, () => transport.SendAsync("POST", "/r", "application/json", "{}"u8.ToArray(), null, CancellationToken.None))).Body));
        }

        Assert.Equal(["0", "1", "0"], answers);
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_ConnectionCloseOrAnswerUntilTheEnd_OpensANewConnectionForTheNextRequest(Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.WriteAsync(connection.Index == 0
                ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nc1"
                : "HTTP/1.1 200 OK\r\n\r\nuntil the end");
            connection.Close();
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        var first = await On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));
        var second = await On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));

        Assert.Equal(("c1", "until the end"), (Encoding.UTF8.GetString(first.Body), Encoding.UTF8.GetString(second.Body)));
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_InterimContinue_IsSkipped(Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.WriteAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        var response = await On(caller, () => transport.SendAsync("POST", "/r", "application/json", "{}"u8.ToArray(), null, CancellationToken.None));

        Assert.Equal(202, response.Status);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n\r\n", "not HTTP/1.1", Caller.ThreadPool)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "after 5 of 10 bytes", Caller.ThreadPool)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size", Caller.ThreadPool)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", "invalid Content-Length", Caller.ThreadPool)]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header", Caller.ThreadPool)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", "in the middle of its answer", Caller.ThreadPool)]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n\r\n", "not HTTP/1.1", Caller.MainThread)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "after 5 of 10 bytes", Caller.MainThread)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size", Caller.MainThread)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", "invalid Content-Length", Caller.MainThread)]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header", Caller.MainThread)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", "in the middle of its answer", Caller.MainThread)]
    public async Task SendAsync_AnswerThatIsNotValidHttp_IsARuntimeApiException(string answer, string expected, Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.WriteAsync(answer);
            connection.Close();
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        var exception = await Assert.ThrowsAsync<RuntimeApiException>(() => On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None)));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task Preconnect_TheFirstRequest_TakesTheConnectionOpenedInTheBackground(Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            while (true)
            {
                await connection.ReadRequestAsync();
                await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + connection.Index);
            }
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        await On(caller, () => Task.FromResult(Preconnect(transport)));
        await WaitUntilAsync(() => server.Connections == 1);
        var first = await On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));
        var second = await On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));

        Assert.Equal(("0", "0", 1), (Encoding.UTF8.GetString(first.Body), Encoding.UTF8.GetString(second.Body), server.Connections));
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task Preconnect_NothingListens_TheFirstRequestReportsIt(Caller caller)
    {
        using var transport = NewTransport(caller, FreePort(), "tests");

        await On(caller, () => Task.FromResult(Preconnect(transport)));
        var exception = await Assert.ThrowsAsync<RuntimeApiException>(() => On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None)));

        Assert.StartsWith("The Runtime API cannot be reached", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_NothingListens_IsARuntimeApiExceptionSayingSo(Caller caller)
    {
        using var transport = NewTransport(caller, FreePort(), "tests");

        var exception = await Assert.ThrowsAsync<RuntimeApiException>(() => On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None)));

        Assert.StartsWith("The Runtime API cannot be reached", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_CancelledWhileWaiting_ThrowsOperationCanceled_AndTheNextRequestUsesANewConnection(Caller caller)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            if (connection.Index == 0)
            {
                await release.Task; // a long poll that never answers
                return;
            }

            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        using var transport = NewTransport(caller, server.Port, "tests");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => On(caller, () => transport.SendAsync("GET", "/next", null, default, null, cancel.Token)));
        var response = await On(caller, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));
        release.SetResult();

        Assert.Equal("ok", Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task SendAsync_ConcurrentRequests_EachGetsItsOwnConnection()
    {
        var inside = 0;
        var allInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            if (Interlocked.Increment(ref inside) == 4)
            {
                allInside.SetResult();
            }

            await allInside.Task; // every answer waits until the four requests arrived together
            await connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{connection.Index}");
        });
        using var transport = new RuntimeApiTransport("127.0.0.1", server.Port, "tests");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["0", "1", "2", "3"], responses.Select(r => Encoding.UTF8.GetString(r.Body)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SendAsync_OnTheThreadPool_AfterTheMainThreadLeftAConnectionOnTheCLibrarysCalls_OpensOneOfItsOwn()
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            while (true)
            {
                await connection.ReadRequestAsync();
                await connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{connection.Index}");
            }
        });
        using var transport = NewTransport(Caller.MainThread, server.Port, "tests");

        var first = await On(Caller.MainThread, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));
        var second = await On(Caller.ThreadPool, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));
        var third = await On(Caller.ThreadPool, () => transport.SendAsync("GET", "/next", null, default, null, CancellationToken.None));

        // Off Linux the main thread's connection is a Socket too, and is reused.
        var expected = OperatingSystem.IsLinux() ? new[] { "0", "1", "1" } : ["0", "0", "0"];
        Assert.Equal(expected, new[] { first, second, third }.Select(r => Encoding.UTF8.GetString(r.Body)));
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_LargeBody_IsSentAndReadWhole(Caller caller)
    {
        var payload = new byte[6 * 1024 * 1024];
        Random.Shared.NextBytes(payload);
        await using var server = ScriptedServer.Start(async connection =>
        {
            var request = await connection.ReadRequestBytesAsync();
            await connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {request.Length}\r\n\r\n");
            await connection.WriteAsync(request);
        });
        using var transport = NewTransport(caller, server.Port, "tests");

        var response = await On(caller, () => transport.SendAsync("POST", "/echo", "application/octet-stream", payload, null, CancellationToken.None));

        Assert.True(payload.AsSpan().SequenceEqual(response.Body));
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_WithARequestBehind_SendsBothBeforeEitherIsAnswered_ReadsBothAnswers_AndKeepsTheConnection(Caller caller)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            // Both requests arrive before either is answered: a client that waited for the first answer would hang here.
            connection.Received.Add(await connection.ReadRequestAsync());
            connection.Received.Add(await connection.ReadRequestAsync());
            await connection.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
            await connection.ReadRequestAsync();
            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3");
        });
        using var transport = NewTransport(caller, server.Port, "tests");
        var next = transport.Format("GET", "/next");

        var answers = await On(caller, async () =>
        {
            var (first, pending) = await transport.SendAsync("POST", "/response", "application/json", "{}"u8.ToArray(), null, next, CancellationToken.None);
            var second = await pending!.ReadAsync(CancellationToken.None);
            var third = await transport.SendFormattedAsync(next, CancellationToken.None);
            return string.Concat(Encoding.UTF8.GetString(first.Body), Encoding.UTF8.GetString(second.Body), Encoding.UTF8.GetString(third.Body));
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("123", answers);
        Assert.Equal(1, server.Connections);
        Assert.StartsWith("POST /response HTTP/1.1\r\n", server.Received[0], StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 2\r\n\r\n{}", server.Received[0], StringComparison.Ordinal);
        Assert.Equal($"GET /next HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nUser-Agent: tests\r\n\r\n", server.Received[1]);
    }

    [Theory]
    [InlineData(Caller.ThreadPool, true)]
    [InlineData(Caller.ThreadPool, false)]
    [InlineData(Caller.MainThread, true)]
    [InlineData(Caller.MainThread, false)]
    [InlineData(Caller.MainThreadManagedSocket, true)]
    [InlineData(Caller.MainThreadManagedSocket, false)]
    public async Task SendAsync_WithARequestBehind_ServerClosesAfterTheFirstAnswer_TheRequestBehindIsSentAgainOnANewConnection(Caller caller, bool saysClose)
    {
        await using var server = ScriptedServer.Start(async connection =>
        {
            var request = await connection.ReadRequestAsync();
            if (connection.Index == 0)
            {
                await connection.WriteAsync($"HTTP/1.1 202 Accepted\r\n{(saysClose ? "Connection: close\r\n" : string.Empty)}Content-Length: 1\r\n\r\n1");
                connection.Close();
                return;
            }

            connection.Received.Add(request);
            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        });
        using var transport = NewTransport(caller, server.Port, "tests");
        var next = transport.Format("GET", "/next");

        var (answers, pendingGiven) = await On(caller, async () =>
        {
            var (first, pending) = await transport.SendAsync("POST", "/response", "application/json", "{}"u8.ToArray(), null, next, CancellationToken.None);
            var second = pending is null ? await transport.SendFormattedAsync(next, CancellationToken.None) : await pending.ReadAsync(CancellationToken.None);
            return (Encoding.UTF8.GetString(first.Body) + Encoding.UTF8.GetString(second.Body), pending is not null);
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("1next", answers);
        Assert.Equal(!saysClose, pendingGiven); // told, the transport does not wait for an answer that cannot come
        Assert.Equal(2, server.Connections);
        Assert.StartsWith("GET /next HTTP/1.1\r\n", Assert.Single(server.Received), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task SendAsync_LargeBodyWithARequestBehind_SendsTheRequestBehindAfterTheBody(Caller caller)
    {
        var payload = new byte[200 * 1024]; // larger than what is copied behind the head
        Random.Shared.NextBytes(payload);
        await using var server = ScriptedServer.Start(async connection =>
        {
            var body = await connection.ReadRequestBytesAsync();
            connection.Received.Add(await connection.ReadRequestAsync());
            await connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n");
            await connection.WriteAsync(body);
            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        });
        using var transport = NewTransport(caller, server.Port, "tests");
        var next = transport.Format("GET", "/next");

        var (echo, second) = await On(caller, async () =>
        {
            var (first, pending) = await transport.SendAsync("POST", "/echo", "application/octet-stream", payload, null, next, CancellationToken.None);
            return (first.Body, Encoding.UTF8.GetString((await pending!.ReadAsync(CancellationToken.None)).Body));
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(payload.AsSpan().SequenceEqual(echo));
        Assert.Equal("next", second);
        Assert.StartsWith("GET /next HTTP/1.1\r\n", Assert.Single(server.Received), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Caller.ThreadPool)]
    [InlineData(Caller.MainThread)]
    [InlineData(Caller.MainThreadManagedSocket)]
    public async Task PendingAnswer_CancelledWhileWaiting_ThrowsOperationCanceled_AndTheNextRequestUsesANewConnection(Caller caller)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ScriptedServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            if (connection.Index == 0)
            {
                await connection.ReadRequestAsync();
                await connection.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\n1");
                await release.Task; // the next invocation never comes
                return;
            }

            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        using var transport = NewTransport(caller, server.Port, "tests");
        var next = transport.Format("GET", "/next");
        using var cancel = new CancellationTokenSource();

        var outcome = await On(caller, async () =>
        {
            var (_, pending) = await transport.SendAsync("POST", "/response", "application/json", "{}"u8.ToArray(), null, next, CancellationToken.None);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
            try
            {
                await pending!.ReadAsync(cancel.Token);
                return "answered";
            }
            catch (OperationCanceledException)
            {
                return "cancelled, then " + Encoding.UTF8.GetString((await transport.SendFormattedAsync(next, CancellationToken.None)).Body);
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();

        Assert.Equal("cancelled, then ok", outcome);
        Assert.Equal(2, server.Connections);
    }

    /// <summary>
    /// Where a request is made: on a thread-pool thread (asynchronous socket calls), or on a thread of its own without a
    /// synchronization context, as the process's main thread is (blocking calls: the C library's on Linux, or a
    /// <see cref="Socket"/>'s, as off Linux).
    /// </summary>
    public enum Caller
    {
        ThreadPool,
        MainThread,
        MainThreadManagedSocket,
    }

    private static RuntimeApiTransport NewTransport(Caller caller, int port, string userAgent) =>
        new("127.0.0.1", port, userAgent, nativeSockets: caller != Caller.MainThreadManagedSocket);

    private static Task<T> On<T>(Caller caller, Func<Task<T>> request)
    {
        if (caller == Caller.ThreadPool)
        {
            return Task.Run(request);
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var task = request();
                Assert.True(task.IsCompleted, "A request on a thread of its own completes before it returns.");
                done.SetResult(task.GetAwaiter().GetResult());
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        })
        { IsBackground = true };
        thread.Start();
        return done.Task;
    }

    private static bool Preconnect(RuntimeApiTransport transport)
    {
        transport.Preconnect();
        return true;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback server that runs a script on each connection it accepts.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _scripts = [];
        private int _connections;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public List<string> Received { get; } = [];

        public static ScriptedServer Start(Func<ScriptedConnection, Task> script)
        {
            var server = new ScriptedServer();
            server._listener.Start();
            server._scripts.Add(server.AcceptAsync(script));
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await Task.WhenAll(_scripts).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync(Func<ScriptedConnection, Task> script)
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var connection = new ScriptedConnection(client, Interlocked.Increment(ref _connections) - 1, this);
                lock (_scripts)
                {
                    _scripts.Add(Task.Run(async () =>
                    {
                        using (client)
                        {
                            await script(connection);
                        }
                    }));
                }
            }
        }

        public sealed class ScriptedConnection(TcpClient client, int index, ScriptedServer server)
        {
            private readonly NetworkStream _stream = client.GetStream();
            private readonly List<byte> _pending = [];

            public int Index { get; } = index;

            public List<string> Received => server.Received;

            public async Task<string> ReadRequestAsync() => Encoding.UTF8.GetString(await ReadRequestBytesAsync(includeHead: true));

            /// <summary>Reads one request (head, then a Content-Length body); returns the head and body, or the body only.</summary>
            public async Task<byte[]> ReadRequestBytesAsync(bool includeHead = false)
            {
                var buffer = new byte[64 * 1024];
                int headEnd;
                while ((headEnd = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
                {
                    var read = await _stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        throw new IOException("closed");
                    }

                    _pending.AddRange(buffer.AsSpan(0, read));
                }

                var head = Encoding.ASCII.GetString([.. _pending.GetRange(0, headEnd)]);
                var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                while (_pending.Count < headEnd + 4 + length)
                {
                    var read = await _stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        throw new IOException("closed");
                    }

                    _pending.AddRange(buffer.AsSpan(0, read));
                }

                var request = _pending.GetRange(includeHead ? 0 : headEnd + 4, includeHead ? headEnd + 4 + length : length).ToArray();
                _pending.RemoveRange(0, headEnd + 4 + length);
                return request;
            }

            public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

            public async Task WriteAsync(byte[] bytes)
            {
                await _stream.WriteAsync(bytes);
                await _stream.FlushAsync();
            }

            public void Close() => client.Client.Shutdown(SocketShutdown.Both);

            private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value)
            {
                for (var i = 0; i + value.Length <= bytes.Count; i++)
                {
                    var match = true;
                    for (var j = 0; j < value.Length && match; j++)
                    {
                        match = bytes[i + j] == value[j];
                    }

                    if (match)
                    {
                        return i;
                    }
                }

                return -1;
            }
        }
    }
}
