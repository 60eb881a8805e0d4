using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>An invocation the server hands out on <c>GET /next</c>.</summary>
public sealed record QueuedInvocation(string? RequestId, byte[] Event, IReadOnlyDictionary<string, string> Headers, int Status = 200)
{
    /// <summary>Gets a value indicating whether the answer is cut: headers and half the body sent, then the connection dropped.</summary>
    public bool CutBody { get; init; }
}

/// <summary>What the runtime posted for an invocation (or for init).</summary>
public sealed record PostedResult(string Kind, string Body, string? ErrorType, string? ContentType, string? XRayCause = null)
{
    /// <summary>Gets the body's bytes as they arrived.</summary>
    public byte[] Raw { get; init; } = [];

    /// <summary>Gets the request's <c>Lambda-Runtime-Function-Response-Mode</c>.</summary>
    public string? ResponseMode { get; init; }

    /// <summary>Gets the request's <c>Transfer-Encoding</c>.</summary>
    public string? TransferEncoding { get; init; }

    /// <summary>Gets the request's trailers (a streamed response's error).</summary>
    public IReadOnlyDictionary<string, string> Trailers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets a value indicating whether the runtime reported an error.</summary>
    public bool IsError => Kind != "response";
}

/// <summary>
/// A Lambda Runtime API on loopback, with the endpoints, headers and status codes of the real one (and of AWS's
/// Runtime Interface Emulator): the end-to-end tests run the adapter's real loop against it.
/// </summary>
public sealed class RuntimeApiServer : IAsyncDisposable
{
    public const int EmulatorPayloadLimit = (6 * 1024 * 1024) + 100;

    private readonly WebApplication _app;
    private readonly Channel<QueuedInvocation> _queue = Channel.CreateUnbounded<QueuedInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<PostedResult>> _results = new();
    private readonly ConcurrentDictionary<string, byte> _handedOut = new();
    private readonly TaskCompletionSource<PostedResult> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _responseStatuses = new();
    private readonly TaskCompletionSource _nextHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _nextGate = Task.CompletedTask;
    private int _nextCalls;

    private RuntimeApiServer(WebApplication app)
    {
        _app = app;
    }

    public string Address { get; private set; } = string.Empty;

    public int NextCalls => Volatile.Read(ref _nextCalls);

    public Task<PostedResult> InitError => _initError.Task;

    /// <summary>Completes with what the runtime posted to <c>/runtime/restore/error</c>.</summary>
    public Task<PostedResult> RestoreError => _restoreError.Task;

    /// <summary>Completes when the runtime asks for <c>/runtime/restore/next</c>: it is ready to be snapshotted.</summary>
    public Task SnapshotRequested => _snapshotRequested.Task;

    /// <summary>Simulates the restore from the snapshot: <c>/runtime/restore/next</c> answers.</summary>
    public void Restore() => _restored.TrySetResult();

    public List<string> UserAgents { get; } = [];

    public static async Task<RuntimeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        var app = builder.Build();
        var server = new RuntimeApiServer(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Address = new Uri(address).Authority;
        return server;
    }

    /// <summary>Queues an invocation; returns its request id.</summary>
    public string Enqueue(byte[] payload, DateTimeOffset? deadline = null, IReadOnlyDictionary<string, string>? headers = null, string? requestId = null)
    {
        requestId ??= Guid.NewGuid().ToString();
        var all = new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
        {
            ["Lambda-Runtime-Aws-Request-Id"] = requestId,
            ["Lambda-Runtime-Deadline-Ms"] = (deadline ?? DateTimeOffset.UtcNow.AddMinutes(5)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:210987654321:function:fixture",
        };
        _results.TryAdd(requestId, new TaskCompletionSource<PostedResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(new QueuedInvocation(requestId, payload, all));
        return requestId;
    }

    public string Enqueue(string payload, DateTimeOffset? deadline = null, IReadOnlyDictionary<string, string>? headers = null) =>
        Enqueue(System.Text.Encoding.UTF8.GetBytes(payload), deadline, headers);

    /// <summary>Queues an invocation without a request id header.</summary>
    public void EnqueueWithoutRequestId(string payload) =>
        _queue.Writer.TryWrite(new QueuedInvocation(null, System.Text.Encoding.UTF8.GetBytes(payload), new Dictionary<string, string>
        {
            ["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        }));

    /// <summary>Makes the next <c>GET /next</c> answer 500, as the platform does when the runtime must exit.</summary>
    public void EnqueueContainerError() =>
        _queue.Writer.TryWrite(new QueuedInvocation(null, [], new Dictionary<string, string>(), Status: 500));

    /// <summary>Queues an invocation whose <c>GET /next</c> answer is cut: headers sent, half the body, connection dropped.</summary>
    public string EnqueueCut(string payload)
    {
        var requestId = Guid.NewGuid().ToString();
        _results.TryAdd(requestId, new TaskCompletionSource<PostedResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(new QueuedInvocation(requestId, System.Text.Encoding.UTF8.GetBytes(payload), new Dictionary<string, string>
        {
            ["Lambda-Runtime-Aws-Request-Id"] = requestId,
            ["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        }) { CutBody = true });
        return requestId;
    }

    /// <summary>Holds every <c>GET /next</c> until <paramref name="gate"/> completes (a slow Runtime API).</summary>
    public void HoldNextUntil(Task gate) => _nextGate = gate;

    /// <summary>Completes when a <c>GET /next</c> is being held by <see cref="HoldNextUntil"/>.</summary>
    public Task NextHeld => _nextHeld.Task;

    /// <summary>Makes <c>POST /response</c> of <paramref name="requestId"/> answer <paramref name="status"/> (recording nothing).</summary>
    public void AnswerResponseWith(string requestId, int status) => _responseStatuses[requestId] = status;

    /// <summary>Gets the request ids whose <c>POST /response</c> was answered by <see cref="AnswerResponseWith"/>.</summary>
    public ConcurrentQueue<string> FailedResponses { get; } = new();

    /// <summary>Whether the runtime posted a response or an error for <paramref name="requestId"/>.</summary>
    public bool WasAnswered(string requestId) => _results[requestId].Task.IsCompleted;

    public Task<PostedResult> ResultAsync(string requestId) => _results[requestId].Task.WaitAsync(TimeSpan.FromSeconds(60));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private readonly TaskCompletionSource<PostedResult> _restoreError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _snapshotRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _restored = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Map(WebApplication app)
    {
        app.MapGet("/2018-06-01/runtime/restore/next", async context =>
        {
            _snapshotRequested.TrySetResult();
            await _restored.Task.WaitAsync(context.RequestAborted);
            context.Response.StatusCode = 200;
        });

        app.MapPost("/2018-06-01/runtime/restore/error", async context =>
        {
            var body = await ReadBodyAsync(context);
            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
            _restoreError.TrySetResult(new PostedResult("restore-error", System.Text.Encoding.UTF8.GetString(body), errorType, context.Request.ContentType));
            context.Response.StatusCode = 202;
            await context.Response.WriteAsJsonAsync(new StatusResponse("OK"), RuntimeApiJsonContext.Default.StatusResponse);
        });

        app.MapGet("/2018-06-01/runtime/invocation/next", async context =>
        {
            Interlocked.Increment(ref _nextCalls);
            lock (UserAgents)
            {
                UserAgents.Add(context.Request.Headers.UserAgent.ToString());
            }

            QueuedInvocation next;
            try
            {
                if (!_nextGate.IsCompleted)
                {
                    _nextHeld.TrySetResult();
                    await _nextGate.WaitAsync(context.RequestAborted);
                }

                next = await _queue.Reader.ReadAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (next.Status == 500)
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("Container error. Non-recoverable state. Runtime should exit promptly.", "Runtime.ContainerError"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            if (next.RequestId is not null)
            {
                _handedOut.TryAdd(next.RequestId, 0);
            }

            if (next.CutBody)
            {
                // Written on the socket itself, before Kestrel writes anything: the head and half the body reach the
                // kernel in order, then a FIN (Kestrel's own abort could drop bytes still in its pipe). Then wait for
                // the runtime to give up on the connection.
                var socket = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()!.Socket;
                var head = new System.Text.StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
                foreach (var (name, value) in next.Headers)
                {
                    head.Append(name).Append(": ").Append(value).Append("\r\n");
                }

                head.Append("Content-Length: ").Append(next.Event.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
                socket.Send(System.Text.Encoding.ASCII.GetBytes(head.ToString()));
                socket.Send(next.Event.AsSpan(0, next.Event.Length / 2));
                socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                context.Abort();
                return;
            }

            foreach (var (name, value) in next.Headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(next.Event);
        });

        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", async (HttpContext context, string id) =>
        {
            var body = await ReadBodyAsync(context);
            if (!_handedOut.ContainsKey(id) || !_results.TryGetValue(id, out var result))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("Invalid request ID", "InvalidRequestID"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            if (_responseStatuses.TryRemove(id, out var forced))
            {
                FailedResponses.Enqueue(id);
                context.Response.StatusCode = forced;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("Container error. Non-recoverable state. Runtime should exit promptly.", "Runtime.ContainerError"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            if (body.Length > EmulatorPayloadLimit)
            {
                context.Response.StatusCode = 413;
                await context.Response.WriteAsJsonAsync(new ErrorResponse($"Exceeded maximum allowed payload size ({EmulatorPayloadLimit} bytes).", "RequestEntityTooLarge"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            var mode = context.Request.Headers["Lambda-Runtime-Function-Response-Mode"].ToString();
            var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (context.Request.CheckTrailersAvailable())
            {
                foreach (var name in (string[])["Lambda-Runtime-Function-Error-Type", "Lambda-Runtime-Function-Error-Body"])
                {
                    if (context.Request.GetTrailer(name) is [{ } value])
                    {
                        trailers[name] = value;
                    }
                }
            }

            var posted = new PostedResult(mode == "streaming" ? "stream" : "response", System.Text.Encoding.UTF8.GetString(body), null, context.Request.ContentType)
            {
                Raw = body,
                ResponseMode = mode.Length == 0 ? null : mode,
                TransferEncoding = context.Request.Headers.TransferEncoding.ToString() is { Length: > 0 } encoding ? encoding : null,
                Trailers = trailers,
            };
            if (!result.TrySetResult(posted))
            {
                context.Response.StatusCode = 403;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("Invalid state transition", "InvalidStateTransition"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            context.Response.StatusCode = 202;
            await context.Response.WriteAsJsonAsync(new StatusResponse("OK"), RuntimeApiJsonContext.Default.StatusResponse);
        });

        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", async (HttpContext context, string id) =>
        {
            var body = await ReadBodyAsync(context);
            if (!_handedOut.ContainsKey(id) || !_results.TryGetValue(id, out var result))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("Invalid request ID", "InvalidRequestID"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
            var cause = context.Request.Headers["Lambda-Runtime-Function-XRay-Error-Cause"] is [{ } value] ? value : null;
            if (!result.TrySetResult(new PostedResult("error", System.Text.Encoding.UTF8.GetString(body), errorType, context.Request.ContentType, cause)))
            {
                context.Response.StatusCode = 403;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("Invalid state transition", "InvalidStateTransition"), RuntimeApiJsonContext.Default.ErrorResponse);
                return;
            }

            context.Response.StatusCode = 202;
            await context.Response.WriteAsJsonAsync(new StatusResponse("OK"), RuntimeApiJsonContext.Default.StatusResponse);
        });

        app.MapPost("/2018-06-01/runtime/init/error", async context =>
        {
            var body = await ReadBodyAsync(context);
            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
            _initError.TrySetResult(new PostedResult("init-error", System.Text.Encoding.UTF8.GetString(body), errorType, context.Request.ContentType));
            context.Response.StatusCode = 202;
            await context.Response.WriteAsJsonAsync(new StatusResponse("OK"), RuntimeApiJsonContext.Default.StatusResponse);
        });
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

public sealed record ErrorResponse(string ErrorMessage, string ErrorType);

public sealed record StatusResponse(string Status);

[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(StatusResponse))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
public sealed partial class RuntimeApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
