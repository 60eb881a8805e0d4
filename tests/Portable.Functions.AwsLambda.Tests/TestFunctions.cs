using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

public sealed record EchoRequest(string? Text);

public sealed record EchoResponse(string? Text, string InvocationId, string? FunctionArn, string? FunctionName, string? TraceId, string? TraceEnvironment, string Trigger, string? Tenant);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EchoRequest))]
[JsonSerializable(typeof(EchoResponse))]
public sealed partial class TestJsonContext : JsonSerializerContext
{
}

/// <summary>Echoes its request with what the adapter told it about the invocation.</summary>
public sealed class Echo : IFunction<EchoRequest, EchoResponse>
{
    public Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var lambda = context.GetFeature<LambdaInvocationFeature>();
        var environment = context.GetFeature<LambdaFunctionEnvironment>();
        return Task.FromResult(new EchoResponse(
            request.Text,
            context.InvocationId,
            lambda?.InvokedFunctionArn,
            environment?.FunctionName,
            context.TraceContext.TraceId.ToHexString(),
            Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"),
            lambda?.EventSource.ToString() ?? "none",
            lambda?.TenantId));
    }
}

/// <summary>Always fails with a message that must not reach the caller.</summary>
public sealed class Boom : IFunction<EchoRequest, EchoResponse>
{
    public Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("connection string Password=hunter2 leaked");
}

/// <summary>Answers with a body larger than Lambda accepts.</summary>
public sealed class Huge : IFunction<EchoRequest, EchoResponse>
{
    public Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new EchoResponse(new string('x', 7 * 1024 * 1024), context.InvocationId, null, null, null, null, "none", null));
}

/// <summary>Waits until its token fires, and records when that happened.</summary>
public sealed class WaitForDeadline : IFunction<EchoRequest, EchoResponse>
{
    public async Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var time = context.Services.GetRequiredService<TimeProvider>();
        DeadlineProbe.Entered.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            DeadlineProbe.CancelledAt = time.GetUtcNow();
            DeadlineProbe.Deadline = context.Deadline;
            throw;
        }

        return new EchoResponse(null, context.InvocationId, null, null, null, null, "none", null);
    }
}

/// <summary>Works synchronously, never awaiting, until its token fires (or 30 seconds pass): a deadline must reach it too.</summary>
public sealed class SpinUntilDeadline : IFunction<EchoRequest, EchoResponse>
{
    public Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return Task.FromResult(new EchoResponse("never cancelled", context.InvocationId, null, null, null, null, "none", null));
    }
}

/// <summary>What <see cref="WaitForDeadline"/> saw; static because the function runs in the runtime's own container.</summary>
public static class DeadlineProbe
{
    public static DateTimeOffset? CancelledAt { get; set; }

    public static DateTimeOffset? Deadline { get; set; }

    public static TaskCompletionSource Entered { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class Together : IFunction<EchoRequest, EchoResponse>
{
    private readonly Gate _gate;

    public Together(Gate gate) => _gate = gate;

    public async Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken);
        return new EchoResponse("together", context.InvocationId, null, null, null, null, "none", null);
    }
}

/// <summary>Describes the request it got and answers with headers, cookies and, on <c>/binary</c>, bytes.</summary>
public sealed class Inspect : IHttpFunction
{
    public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        if (request.Path == "/binary")
        {
            return Task.FromResult(FunctionHttpResponse.Bytes(new byte[] { 0, 1, 2, 253, 254, 255 }, "image/png"));
        }

        var text = new System.Text.StringBuilder()
            .Append(request.Method).Append(' ').Append(request.Path).Append('?').Append(request.QueryString).Append('\n')
            .Append("q=").Append(string.Join(",", request.Query.TryGetValue("q", out var q) ? q.ToArray() : [])).Append('\n')
            .Append("x-custom=").Append(request.GetHeader("X-Custom")).Append('\n')
            .Append("cookie=").Append(request.Cookies.TryGetValue("c", out var cookie) ? cookie : "").Append('\n')
            .Append("body=").Append(System.Text.Encoding.UTF8.GetString(request.Body.Span));
        var response = FunctionHttpResponse.Text(text.ToString(), 201);
        response.Headers["X-Function"] = "inspect";
        response.Headers["Vary"] = new Microsoft.Extensions.Primitives.StringValues(["Accept", "Cookie"]);
        response.Cookies.Add("a=1; Path=/");
        response.Cookies.Add("b=2; Path=/; HttpOnly");
        return Task.FromResult(response);
    }
}

public static class TestFunctionRegistrations
{
    public static IServiceCollection AddLambdaTestFunctions(this IServiceCollection services)
    {
        services.AddSingleton<Gate>();
        return services.AddPortableFunctions(f => f
            .AddFunction<Echo, EchoRequest, EchoResponse>("echo")
            .AddFunction<Boom, EchoRequest, EchoResponse>("boom")
            .AddFunction<Huge, EchoRequest, EchoResponse>("huge")
            .AddFunction<WaitForDeadline, EchoRequest, EchoResponse>("wait")
            .AddFunction<SpinUntilDeadline, EchoRequest, EchoResponse>("spin")
            .AddFunction<Together, EchoRequest, EchoResponse>("together")
            .AddHttpFunction<Inspect>("inspect")
            .UseJsonContext(TestJsonContext.Default));
    }
}
