using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Http.Tests;

/// <summary>Records every event it receives, with its attributes and raw data.</summary>
public sealed class Recorder : IEventFunction<JsonElement>
{
    private readonly EventLog _log;

    public Recorder(EventLog log) => _log = log;

    public Task HandleAsync(FunctionEvent<JsonElement> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        _log.Add(functionEvent);
        return Task.CompletedTask;
    }
}

public sealed class EventLog
{
    private readonly List<FunctionEvent<JsonElement>> _events = [];

    public IReadOnlyList<FunctionEvent<JsonElement>> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Add(FunctionEvent<JsonElement> functionEvent)
    {
        lock (_events)
        {
            _events.Add(functionEvent);
        }
    }
}

/// <summary>Describes the request it got, so that tests can see what reached the function.</summary>
public sealed class Inspect : IHttpFunction
{
    public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var text = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.Path).Append('?').Append(request.QueryString).Append('\n')
            .Append("q=").Append(string.Join(",", request.Query.TryGetValue("q", out var q) ? q.ToArray() : [])).Append('\n')
            .Append("x-custom=").Append(request.GetHeader("X-Custom")).Append('\n')
            .Append("cookie=").Append(request.Cookies.TryGetValue("c", out var cookie) ? cookie : "").Append('\n')
            .Append("body=").Append(Encoding.UTF8.GetString(request.Body.Span)).Append('\n')
            .Append("trace=").Append(context.TraceContext.TraceId.ToHexString());
        var response = FunctionHttpResponse.Text(text.ToString(), 200);
        response.Headers["X-Function"] = "inspect";
        response.Cookies.Add("a=1; Path=/");
        response.Cookies.Add("b=2; Path=/");
        return Task.FromResult(response);
    }
}

public sealed class Concurrent(Gate gate) : IHttpFunction
{
    public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        await gate.EnterAsync(cancellationToken);
        return FunctionHttpResponse.Text("together");
    }
}

/// <summary>Waits for a release signal: used to prove graceful shutdown lets it finish.</summary>
public sealed class Release
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Go { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class Slow(Release release) : IHttpFunction
{
    public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        release.Started.TrySetResult();
        await release.Go.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        return FunctionHttpResponse.Text("finished");
    }
}

[JsonSerializable(typeof(JsonElement))]
public sealed partial class HttpTestJsonContext : JsonSerializerContext;

public static class HttpTestServices
{
    public static IServiceCollection AddHttpTestFunctions(this IServiceCollection services)
    {
        services.AddSingleton<EventLog>();
        services.AddSingleton<Gate>();
        services.AddSingleton<Release>();
        return services.AddPortableFunctions(f => f
            .AddEventFunction<Recorder, JsonElement>("record")
            .AddHttpFunction<Inspect>("inspect")
            .AddHttpFunction<Concurrent>("concurrent")
            .AddHttpFunction<Slow>("slow")
            .UseJsonContext(HttpTestJsonContext.Default));
    }
}

/// <summary>Streams "first", waits for the test's gate, then streams "second"; "fail-early" and "fail-late" fail before and after the first write.</summary>
public sealed class Streamer(StreamGate gate) : IHttpFunction
{
    public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var mode = request.Query.TryGetValue("mode", out var value) ? value.ToString() : "ok";
        var response = FunctionHttpResponse.Stream(
            async (stream, token) =>
            {
                if (mode == "fail-early")
                {
                    throw new InvalidOperationException("secret: failed before writing");
                }

                await stream.WriteAsync("first\n"u8.ToArray(), token);
                await stream.FlushAsync(token);
                await gate.Open.Task.WaitAsync(token);
                if (mode == "fail-late")
                {
                    throw new InvalidOperationException("secret: failed after writing");
                }

                await stream.WriteAsync("second\n"u8.ToArray(), token);
            },
            "text/plain; charset=utf-8",
            201);
        response.Headers["X-Streamed"] = "yes";
        return Task.FromResult(response);
    }
}

public sealed class StreamGate
{
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
