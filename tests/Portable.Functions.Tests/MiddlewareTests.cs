using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

public sealed class MiddlewareTests
{
    private sealed class Outer(InvocationLog log) : IFunctionMiddleware
    {
        public async Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
        {
            log.Trail.Add("outer:before:" + context.Input?.GetType().Name);
            await next(context);
            log.Trail.Add("outer:after");
        }
    }

    private sealed class Deny : IFunctionMiddleware
    {
        public Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next) =>
            context.Http?.Request.GetHeader("Authorization") is null
                ? throw new FunctionProblemException(401, "Unauthorized", "A bearer token is required.")
                : next(context);
    }

    [Fact]
    public async Task Middleware_RunsInOrderAroundTheFunction_AfterBinding()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f
            .UseMiddleware<Outer>()
            .Use(async (context, next) =>
            {
                var log = context.Services.GetRequiredService<InvocationLog>();
                log.Trail.Add("inner:before");
                await next(context);
                log.Trail.Add("inner:after");
            })));

        var result = await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("a"));

        Assert.True(result.IsSuccess);
        Assert.Equal(["outer:before:EchoRequest", "inner:before", "inner:after", "outer:after"], host.Services.GetRequiredService<InvocationLog>().Trail);
    }

    [Fact]
    public async Task Middleware_RunsForEventFunctionsToo()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<Outer>()));

        await host.InvokeEventAsync("pay", new Payment("p", 1m));

        Assert.Equal(["outer:before:FunctionEvent`1", "outer:after"], host.Services.GetRequiredService<InvocationLog>().Trail);
    }

    [Fact]
    public async Task Middleware_ThrowingAProblem_ShortCircuitsWithThatProblem()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<Deny>()));

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""));

        Assert.Equal(401, result.StatusCode);
        Assert.Equal("A bearer token is required.", result.Problem!.Detail);
        Assert.Empty(host.Services.GetRequiredService<InvocationLog>().Contexts);
    }

    [Fact]
    public async Task Middleware_ThrowingOneSharedProblem_EachAnswerNamesItsOwnInvocation()
    {
        var shared = new FunctionProblemException(429, "Too Many Requests");
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.Use((_, _) => throw shared)));

        var first = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""), new TestInvocationOptions { InvocationId = "one" });
        var second = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""), new TestInvocationOptions { InvocationId = "two" });

        Assert.Equal("one", first.Problem!.Extensions["invocationId"]?.ToString());
        Assert.Equal("two", second.Problem!.Extensions["invocationId"]?.ToString());
        Assert.False(shared.Problem.Extensions.ContainsKey("invocationId"));
    }

    [Fact]
    public async Task Middleware_NotCallingNext_SkipsTheFunctionWith204()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.Use((_, _) => Task.CompletedTask)));

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""));

        Assert.Equal(204, result.StatusCode);
        Assert.Empty(host.Services.GetRequiredService<InvocationLog>().Contexts);
    }
}
