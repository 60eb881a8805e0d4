using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.Tests;

public sealed record EchoRequest(string Text, int Count = 1);

public sealed record EchoResponse(string Text);

public sealed record Payment(string Id, decimal Amount);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EchoRequest))]
[JsonSerializable(typeof(EchoResponse))]
[JsonSerializable(typeof(Payment))]
public sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>Repeats the text; "fail" throws, "problem" answers 409, "slow" waits for its token.</summary>
public sealed class Echo(InvocationLog log) : IFunction<EchoRequest, EchoResponse>
{
    public async Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        log.Record(context);
        switch (request.Text)
        {
            case "fail":
                throw new InvalidOperationException("secret internal detail");
            case "problem":
                throw new FunctionProblemException(409, "Conflict", "The echo already exists.");
            case "slow":
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                break;
            case "created":
                context.Http!.ResponseStatusCode = 201;
                context.Http.ResponseHeaders["Location"] = "/echo/1";
                context.Http.ResponseCookies.Add("session=abc; Path=/");
                break;
        }

        context.Logger.LogInformation("echoing {Text}", request.Text);
        return new EchoResponse(string.Concat(Enumerable.Repeat(request.Text, request.Count)));
    }
}

public sealed class Pay(InvocationLog log) : IEventFunction<Payment>
{
    public Task HandleAsync(FunctionEvent<Payment> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        log.Record(context);
        log.Events.Add(functionEvent);
        return functionEvent.Data.Amount < 0 ? throw new ArgumentOutOfRangeException(nameof(functionEvent), "negative") : Task.CompletedTask;
    }
}

public sealed class TextSink(InvocationLog log) : IEventFunction<string>
{
    public Task HandleAsync(FunctionEvent<string> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        log.Events.Add(functionEvent);
        return Task.CompletedTask;
    }
}

public sealed class BytesSink(InvocationLog log) : IEventFunction<byte[]>
{
    public Task HandleAsync(FunctionEvent<byte[]> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        log.Events.Add(functionEvent);
        return Task.CompletedTask;
    }
}

public sealed class StorageSink(InvocationLog log) : IEventFunction<StorageObjectChange>
{
    public Task HandleAsync(FunctionEvent<StorageObjectChange> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        log.Events.Add(functionEvent);
        return Task.CompletedTask;
    }
}

public sealed class Raw(InvocationLog log) : IHttpFunction
{
    public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        log.Record(context);
        var response = FunctionHttpResponse.Text($"{request.Method} {request.Path}?{request.QueryString} {request.Body.Length}", 202);
        response.Headers["X-Echo"] = request.GetHeader("X-Input") ?? "none";
        return Task.FromResult(response);
    }
}

/// <summary>A scoped service: one instance per invocation.</summary>
public sealed class ScopedCounter
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>What the functions saw, for assertions.</summary>
public sealed class InvocationLog
{
    public List<FunctionContext> Contexts { get; } = [];

    public List<FunctionEvent> Events { get; } = [];

    public List<string> Trail { get; } = [];

    public List<CancellationToken> Tokens { get; } = [];

    public void Record(FunctionContext context)
    {
        lock (Contexts)
        {
            Contexts.Add(context);
            Tokens.Add(context.CancellationToken);
        }
    }
}

public static class TestServices
{
    public static IServiceCollection AddTestFunctions(this IServiceCollection services, Action<PortableFunctionsBuilder>? more = null)
    {
        services.AddSingleton<InvocationLog>();
        services.AddScoped<ScopedCounter>();
        return services.AddPortableFunctions(f =>
        {
            f.AddFunction<Echo, EchoRequest, EchoResponse>("echo")
                .AddEventFunction<Pay, Payment>("pay")
                .AddEventFunction<TextSink, string>("text")
                .AddEventFunction<BytesSink, byte[]>("bytes")
                .AddEventFunction<StorageSink, StorageObjectChange>("storage")
                .AddHttpFunction<Raw>("raw")
                .UseJsonContext(TestJsonContext.Default);
            more?.Invoke(f);
        });
    }
}
