using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>The ASP.NET Core integration: requests proxied to the worker's HttpUri, against one started AspNetCoreWorkerApp.</summary>
public sealed class AspNetCoreWorkerAppTests(AspNetCoreWorkerAppFixture fixture) : IClassFixture<AspNetCoreWorkerAppFixture>
{
    private AzureFunctionsHostEmulator Host => fixture.Host;

    [Fact]
    public void StartAsync_AspNetCoreApp_AdvertisesHttpUriAndListsEveryFunction()
    {
        Assert.NotNull(Host.HttpUri);
        Assert.Equal(Host.HttpUri, new Uri(Host.WorkerCapabilities["HttpUri"]));
        Assert.True(Host.HttpUri.IsLoopback);
        Assert.Equal(["Enqueued", "Fail", "Greet", "ServerError", "Slow", "TraceInfo"], Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(Host.Functions, f => Assert.True(f.IsLoaded, f.LoadError));

        var greet = Host.GetFunction("Greet");
        Assert.Equal("httpTrigger", greet.TriggerType);
        Assert.Equal("greet/{name}", greet.Trigger!.GetProperty("route"));
        Assert.Equal(["get", "post"], greet.Trigger.GetStrings("methods"));
        Assert.Equal("work", Host.GetFunction("Enqueued").Trigger!.GetProperty("queueName"));
    }

    [Fact]
    public async Task InvokeHttpAsync_Post_ProxiesTheRequestAndReturns200()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/greet/Ada?q=1") { Content = new StringContent("hi there", Encoding.UTF8, "text/plain") };
        request.Headers.Add("x-test", "yes");

        var result = await Host.InvokeHttpAsync("Greet", request);

        Assert.True(result.IsProxied);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.True(result.Invocation.Succeeded, result.Invocation.Error?.Message);
        Assert.Equal("Ada", Assert.Single(result.Response.Headers.GetValues("x-greeted")));
        Assert.Equal("application/json", result.Response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await result.ReadBodyAsStringAsync());
        Assert.Equal("Hello, Ada!", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("1", json.RootElement.GetProperty("query").GetString());
        Assert.Equal("yes", json.RootElement.GetProperty("header").GetString());
        Assert.Equal("hi there", json.RootElement.GetProperty("body").GetString());
        Assert.Equal("/api/greet/Ada", json.RootElement.GetProperty("path").GetString());
        Assert.Contains(result.Invocation.Logs, l => l is { Level: LogLevel.Information, Message: "greeting Ada" });
    }

    [Fact]
    public async Task InvokeHttpAsync_FunctionAnswers500_Returns500WithItsBody()
    {
        var result = await Host.InvokeHttpAsync("ServerError", new HttpRequestMessage(HttpMethod.Get, "/api/ServerError"));

        Assert.True(result.IsProxied);
        Assert.Equal(HttpStatusCode.InternalServerError, result.StatusCode);
        Assert.Equal("it broke", await result.ReadBodyAsStringAsync());
        Assert.True(result.Invocation.Succeeded);
    }

    [Fact]
    public async Task InvokeHttpAsync_FunctionThrows_ReportsTheFailureBesideTheWorkersResponse()
    {
        var result = await Host.InvokeHttpAsync("Fail", new HttpRequestMessage(HttpMethod.Get, "/api/Fail"));

        Assert.Equal(InvocationStatus.Failure, result.Invocation.Status);
        Assert.Equal("System.InvalidOperationException", result.Invocation.Error!.Type);
        Assert.Contains("aspnetcore boom", result.Invocation.Error.Message, StringComparison.Ordinal);

        // The worker's own HTTP answer is forwarded as it is: worker 2.x answers the proxied request with an empty 200,
        // not the 500 of the built-in model. An app that promises an error response must write it itself.
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(string.Empty, await result.ReadBodyAsStringAsync());
    }

    [Fact]
    public async Task InvokeHttpAsync_TraceParent_ReachesTheFunctionContext()
    {
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var options = new InvocationOptions { TraceParent = traceParent, TraceState = "rojo=00f067aa0ba902b7" };

        var result = await Host.InvokeHttpAsync("TraceInfo", new HttpRequestMessage(HttpMethod.Get, "/api/trace"), options);

        Assert.Equal($"{traceParent}|rojo=00f067aa0ba902b7|{result.Invocation.InvocationId}", await result.ReadBodyAsStringAsync());
    }

    [Fact]
    public async Task InvokeHttpAsync_CancelAfter_CancellationReachesTheFunctionsToken()
    {
        var result = await Host.InvokeHttpAsync("Slow", new HttpRequestMessage(HttpMethod.Get, "/api/Slow"), new InvocationOptions { CancelAfter = TimeSpan.FromSeconds(1) });

        Assert.NotEqual(InvocationStatus.Success, result.Invocation.Status);
        Assert.Contains(result.Invocation.Logs, l => l is { Level: LogLevel.Warning, Message: "cancellation reached the function" });
    }

    [Fact]
    public async Task InvokeQueueAsync_QueueTriggerBesideHttp_SucceedsAndFails()
    {
        var ok = await Host.InvokeQueueAsync("Enqueued", new QueueTriggerMessage("job-1"));
        var failed = await Host.InvokeQueueAsync("Enqueued", new QueueTriggerMessage("fail"));

        Assert.True(ok.Succeeded, ok.Error?.Message);
        Assert.Contains(ok.Logs, l => l.Message == "work: job-1");
        Assert.Equal(InvocationStatus.Failure, failed.Status);
        Assert.Contains("work rejected", failed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeHttpAsync_TwentyConcurrentRequests_EachGetsItsOwnAnswer()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Host.InvokeHttpAsync("Greet", new HttpRequestMessage(HttpMethod.Get, $"/api/greet/n{i}"))));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, results[i].StatusCode);
            Assert.Contains($"Hello, n{i}!", await results[i].ReadBodyAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
