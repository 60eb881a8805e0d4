using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

public sealed class MiddlewareTests
{
    private sealed class Outer(InvocationLog log) : IFunctionMiddleware
    {
        public async Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
        {
            log.Trail.Add("outer:before:" + (context.Input?.GetType().Name ?? "unbound"));
            await next(context);
            log.Trail.Add("outer:after:" + context.Input?.GetType().Name);
        }
    }

    private sealed class Deny : IFunctionMiddleware
    {
        public Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
        {
            if (context.Http?.Request.GetHeader("Authorization") is null)
            {
                context.Http?.ResponseHeaders["WWW-Authenticate"] = "Bearer";
                throw new FunctionProblemException(401, "Unauthorized", "A bearer token is required.");
            }

            return next(context);
        }
    }

    /// <summary>Validates the bound request before the function runs: binding on demand.</summary>
    private sealed class RejectEmptyText : IFunctionMiddleware
    {
        public Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next) =>
            context.BindInput() is EchoRequest { Text: "" }
                ? throw FunctionProblemException.Validation("text", "The text must not be empty.")
                : next(context);
    }

    /// <summary>Records the scoped service it was given, to show it is resolved per invocation.</summary>
    private sealed class ScopedDependent(ScopedCounter counter, InvocationLog log) : IFunctionMiddleware
    {
        public Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
        {
            log.Trail.Add(counter.Id.ToString());
            Assert.Same(counter, context.Services.GetRequiredService<ScopedCounter>());
            return next(context);
        }
    }

    [Fact]
    public async Task Middleware_RunsInOrderAroundTheFunction_BeforeBinding()
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
        Assert.Equal(["outer:before:unbound", "inner:before", "inner:after", "outer:after:EchoRequest"], host.Services.GetRequiredService<InvocationLog>().Trail);
    }

    [Fact]
    public async Task Middleware_RunsForEventFunctionsToo()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<Outer>()));

        await host.InvokeEventAsync("pay", new Payment("p", 1m));

        Assert.Equal(["outer:before:unbound", "outer:after:FunctionEvent`1"], host.Services.GetRequiredService<InvocationLog>().Trail);
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

    [Theory]
    [InlineData("{\"text\":", "application/json")]
    [InlineData("<echo/>", "application/xml")]
    [InlineData("", "application/json")]
    public async Task Middleware_AnswersBeforeAnInputThatWouldNotBind(string body, string contentType)
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<Deny>()));

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", body, contentType));

        Assert.Equal(401, result.StatusCode);
        Assert.Equal("Bearer", result.Response.Headers["WWW-Authenticate"].ToString());
        Assert.Equal(FunctionStatus.Rejected, result.Status);
        Assert.NotNull(result.Activity);
        Assert.Single(result.Logs, entry => entry.Message.Contains("401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Middleware_WithCredentials_LetsTheBindingErrorThrough()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<Deny>()));
        var request = Json.Post("/echo", "{\"text\":");
        var headers = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer t" };

        var result = await host.InvokeHttpAsync("echo", new FunctionHttpRequest { Method = "POST", Path = "/echo", Headers = headers, Body = request.Body });

        Assert.Equal(400, result.StatusCode);
        Assert.False(result.Response.Headers.ContainsKey("WWW-Authenticate"));
    }

    [Fact]
    public async Task Middleware_CanBindTheInputEarlier_ToValidateIt()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<RejectEmptyText>()));

        var rejected = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":""}"""));
        var accepted = await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("ok"));
        var malformed = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"""));

        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains("errors", rejected.Problem!.Extensions.Keys);
        Assert.Equal("ok", accepted.Value!.Text);
        Assert.Equal(400, malformed.StatusCode);
        Assert.Equal("Invalid request body", malformed.Problem!.Title);
        Assert.Single(host.Services.GetRequiredService<InvocationLog>().Contexts);
    }

    [Fact]
    public async Task Middleware_WithAScopedDependency_GetsANewInstancePerInvocation()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.UseMiddleware<ScopedDependent>()));

        await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("a"));
        await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("b"));

        var trail = host.Services.GetRequiredService<InvocationLog>().Trail;
        Assert.Equal(2, trail.Count);
        Assert.NotEqual(trail[0], trail[1]);
    }

    [Fact]
    public async Task Middleware_RegisteredAsSingletonByTheUser_KeepsThatLifetime()
    {
        await using var host = FunctionTestHost.Create(s => s.AddSingleton<Outer>().AddTestFunctions(f => f.UseMiddleware<Outer>()));
        Assert.True(host.Catalog.TryGet("echo", out _));

        await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("a"));

        Assert.Same(host.Services.GetRequiredService<Outer>(), host.Services.GetRequiredService<Outer>());
        Assert.Equal(2, host.Services.GetRequiredService<InvocationLog>().Trail.Count);
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
