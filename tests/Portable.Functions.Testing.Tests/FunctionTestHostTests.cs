using System.Diagnostics;
using Greeter.Functions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.Testing.Tests;

/// <summary>The test host as a user meets it: the Greeter's own functions, registered exactly as in production.</summary>
public sealed class FunctionTestHostTests
{
    private static FunctionTestHost CreateHost() => FunctionTestHost.Create(services => services.AddGreeterFunctions());

    [Fact]
    public async Task InvokeAsync_TypedFunction_ReturnsTheDeserializedResponse()
    {
        await using var host = CreateHost();

        var result = await host.InvokeAsync<GreetRequest, GreetResponse>("greet", new GreetRequest("Ada"));

        Assert.True(result.IsSuccess);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(new GreetResponse("Hello, Ada!"), result.Value);
        Assert.Null(result.Problem);
    }

    [Fact]
    public async Task InvokeAsync_ValidationFailure_ReturnsTheProblem()
    {
        await using var host = CreateHost();

        var result = await host.InvokeAsync<GreetRequest, GreetResponse>("greet", new GreetRequest(" "), new TestInvocationOptions { InvocationId = "inv-1" });

        Assert.False(result.IsSuccess);
        Assert.Null(result.Value);
        var problem = Assert.IsType<FunctionProblem>(result.Problem);
        Assert.Equal(400, problem.Status);
        Assert.Equal("The name field is required.", problem.Detail);
        Assert.Equal("inv-1", problem.Extensions["invocationId"]?.ToString());
        var errors = Assert.IsType<IReadOnlyDictionary<string, string[]>>(problem.Extensions["errors"], exactMatch: false);
        Assert.Equal(["The name field is required."], errors["name"]);
        Assert.Equal(FunctionStatus.Rejected, result.Status);
        Assert.Contains("\"errors\"", result.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeHttpAsync_RawBody_GoesThroughTheSameBinding()
    {
        await using var host = CreateHost();
        var request = new FunctionHttpRequest { Method = "POST", Path = "/greet", Body = "not json"u8.ToArray() };

        var result = await host.InvokeHttpAsync("greet", request);

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("Invalid request body", result.Problem!.Title);
    }

    [Fact]
    public async Task InvokeEventAsync_EventFunction_CapturesItsLogs()
    {
        await using var host = CreateHost();

        var result = await host.InvokeEventAsync("order-placed", new Order("o-1", 12.5m));

        Assert.True(result.Succeeded);
        var entry = Assert.Single(result.Logs, e => e.Level == LogLevel.Information);
        Assert.Equal("order o-1 accepted", entry.Message);
        Assert.Equal(result.InvocationId, entry.InvocationId);
    }

    [Fact]
    public async Task InvokeEventAsync_FunctionThrows_ReportsTheFailureAndTheException()
    {
        await using var host = CreateHost();

        var result = await host.InvokeEventAsync("order-placed", new Order("o-2", -1m));

        Assert.False(result.Succeeded);
        Assert.Equal(FunctionStatus.Failed, result.Status);
        Assert.IsType<InvalidOperationException>(result.Exception);
        Assert.Equal(500, result.Problem!.Status);
        Assert.Contains(result.Logs, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Results_CarryTheInvocationsActivity()
    {
        await using var host = CreateHost();

        var result = await host.InvokeAsync<GreetRequest, GreetResponse>("greet", new GreetRequest("Ada"));

        var activity = Assert.IsType<Activity>(result.Activity);
        Assert.Equal("greet", activity.DisplayName);
        Assert.Equal(result.InvocationId, activity.GetTagItem("faas.invocation_id"));
    }

    [Fact]
    public async Task Logs_AreKeptPerInvocation_AndCanBeCleared()
    {
        await using var host = CreateHost();

        var first = await host.InvokeEventAsync("order-placed", new Order("o-1", 1m));
        var second = await host.InvokeEventAsync("order-placed", new Order("o-2", 1m));

        Assert.Equal("order o-1 accepted", Assert.Single(first.Logs).Message);
        Assert.Equal("order o-2 accepted", Assert.Single(second.Logs).Message);
        Assert.Equal(2, host.Logs.Count(e => e.Category.StartsWith("Portable.Functions.Function", StringComparison.Ordinal)));
        host.ClearLogs();
        Assert.Empty(host.Logs);
    }

    [Fact]
    public async Task Time_StartsAtTheChosenInstant_AndDrivesEventTimes()
    {
        var start = new DateTimeOffset(2030, 6, 1, 8, 0, 0, TimeSpan.Zero);
        await using var host = FunctionTestHost.Create(services => services.AddGreeterFunctions(), start);

        Assert.Equal(start, host.Time.GetUtcNow());
        host.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(start.AddHours(1), host.Time.GetUtcNow());
        Assert.Same(host.Time, host.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task Invoke_WrongShapeOrUnknownName_Throws()
    {
        await using var host = CreateHost();

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeEventAsync("greet", new Order("o", 1m)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeAsync<Order, GreetResponse>("order-placed", new Order("o", 1m)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeAsync<GreetRequest, GreetResponse>("nope", new GreetRequest("x")));
    }

    [Fact]
    public async Task Create_WithoutAJsonContext_FallsBackToReflectionWhereItIsEnabled()
    {
        // A JIT app (like this test project) may skip UseJsonContext; trimmed and AOT apps get a start-up error
        // instead (see Portable.Functions.Tests, which runs with reflection-based serialization off).
        Assert.True(System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault);
        await using var host = FunctionTestHost.Create(services => services.AddPortableFunctions(f => f.AddFunction<Greet, GreetRequest, GreetResponse>("greet")));

        var result = await host.InvokeAsync<GreetRequest, GreetResponse>("greet", new GreetRequest("Ada"));

        Assert.Equal("Hello, Ada!", result.Value!.Message);
    }
}
