using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>The built-in HTTP model (RpcHttp), queue, timer and blob triggers, against one started ClassicWorkerApp.</summary>
public sealed class ClassicWorkerAppTests(ClassicWorkerAppFixture fixture) : IClassFixture<ClassicWorkerAppFixture>
{
    private static readonly DateTimeOffset Inserted = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private AzureFunctionsHostEmulator Host => fixture.Host;

    [Fact]
    public void StartAsync_ClassicApp_ListsEveryFunctionWithItsTrigger()
    {
        Assert.Equal(
            ["Crash", "Echo", "Fail", "LogSomething", "OnBlob", "ProcessOrder", "ProcessQueueMessage", "Rendezvous", "ServerError", "Submit", "Tick", "TraceInfo", "WaitForCancel"],
            Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(Host.Functions, f => Assert.True(f.IsLoaded, f.LoadError));
        Assert.All(Host.Functions, f => Assert.False(string.IsNullOrEmpty(f.FunctionId)));

        var echo = Host.GetFunction("Echo");
        Assert.Equal("httpTrigger", echo.TriggerType);
        Assert.Equal("items/{id}", echo.Trigger!.GetProperty("route"));
        Assert.Equal(["post", "put"], echo.Trigger.GetStrings("methods"));
        Assert.Equal("request", echo.Trigger.Name);
        Assert.Contains(echo.Bindings, b => b is { Name: "$return", Type: "http", Direction: BindingDirection.Out });
        Assert.Contains("\"route\":\"items/{id}\"", echo.RawBindings[0].Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        var order = Host.GetFunction("ProcessOrder");
        Assert.Equal("queueTrigger", order.TriggerType);
        Assert.Equal("orders", order.Trigger!.GetProperty("queueName"));
        Assert.Equal("String", order.Trigger.DataType);
        Assert.Equal("orders-out", order.Bindings.Single(b => b.Direction == BindingDirection.Out).GetProperty("queueName"));

        Assert.Equal("True", Host.GetFunction("ProcessQueueMessage").Trigger!.Properties["supportsDeferredBinding"]);
        Assert.Equal("0 */5 * * * *", Host.GetFunction("Tick").Trigger!.GetProperty("schedule"));
        Assert.Equal("samples/{name}", Host.GetFunction("OnBlob").Trigger!.GetProperty("path"));
        Assert.Equal("ClassicWorkerApp.HttpFunctions.Echo", echo.EntryPoint);
        Assert.Equal("dotnet-isolated", echo.Language);
    }

    [Fact]
    public void StartAsync_ClassicApp_ExposesTheWorkersCapabilities()
    {
        Assert.Equal("True", Host.WorkerCapabilities["RpcHttpBodyOnly"]);
        Assert.Equal("True", Host.WorkerCapabilities["RawHttpBodyBytes"]);
        Assert.Equal("True", Host.WorkerCapabilities["UseNullableValueDictionaryForHttp"]);
        Assert.False(Host.WorkerCapabilities.ContainsKey("HttpUri"));
        Assert.Null(Host.HttpUri);
        Assert.False(Host.HasWorkerExited);
    }

    [Fact]
    public async Task InvokeHttpAsync_Post_Returns200WithWhatReachedTheFunction()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/items/42?q=hello") { Content = new StringContent("payload", Encoding.UTF8, "text/plain") };
        request.Headers.Add("x-test", "yes");
        request.Headers.Add("Cookie", "session=abc");

        var result = await Host.InvokeHttpAsync("Echo", request);

        Assert.False(result.IsProxied);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(InvocationStatus.Success, result.Invocation.Status);
        Assert.Equal(
            "method=POST;id=42;q=hello;x-test=yes;cookie=abc;url=/api/items/42;metaId=42;body=payload",
            await result.ReadBodyAsStringAsync());
        Assert.Equal("42", Assert.Single(result.Response.Headers.GetValues("x-echo-id")));
        Assert.Equal("text/plain; charset=utf-8", result.Response.Content.Headers.ContentType!.ToString());
        Assert.Contains(result.Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("seen=yes", StringComparison.Ordinal));
        var http = Assert.IsType<RpcHttpResponse>(result.Invocation.ReturnValue!.Value);
        Assert.Equal(200, http.StatusCode);
    }

    [Fact]
    public async Task InvokeHttpAsync_MultipleOutputs_ResponseAndQueueMessageAreOutputBindings()
    {
        var result = await Host.InvokeHttpAsync("Submit", new HttpRequestMessage(HttpMethod.Post, "/api/Submit") { Content = new StringContent("{}") });

        Assert.Equal(HttpStatusCode.Accepted, result.StatusCode);
        Assert.Equal("queued", await result.ReadBodyAsStringAsync());
        Assert.Equal("submitted", result.Invocation.OutputData["Audit"].AsString());
        Assert.Equal(TypedValueKind.Http, result.Invocation.OutputData["Response"].Kind);
    }

    [Fact]
    public async Task InvokeHttpAsync_FunctionThrows_Returns500AndSurfacesTheException()
    {
        var result = await Host.InvokeHttpAsync("Fail", new HttpRequestMessage(HttpMethod.Get, (Uri?)null));

        Assert.Equal(HttpStatusCode.InternalServerError, result.StatusCode);
        Assert.Equal(string.Empty, await result.ReadBodyAsStringAsync());
        Assert.Equal(InvocationStatus.Failure, result.Invocation.Status);
        Assert.Equal("System.InvalidOperationException", result.Invocation.Error!.Type);
        Assert.Contains("classic boom", result.Invocation.Error.Message, StringComparison.Ordinal);
        Assert.Contains("HttpFunctions.Fail", result.Invocation.Error.StackTrace, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => result.Invocation.EnsureSuccess());
    }

    [Fact]
    public async Task InvokeHttpAsync_FunctionAnswers500_Returns500WithItsBody()
    {
        var result = await Host.InvokeHttpAsync("ServerError", new HttpRequestMessage(HttpMethod.Get, "/api/ServerError"));

        Assert.Equal(HttpStatusCode.InternalServerError, result.StatusCode);
        Assert.Equal("it broke", await result.ReadBodyAsStringAsync());
        Assert.True(result.Invocation.Succeeded);
    }

    [Fact]
    public async Task InvokeHttpAsync_RequestOutsideTheFunctionsRouteOrMethods_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Host.InvokeHttpAsync("Echo", new HttpRequestMessage(HttpMethod.Post, "/api/other/42")));
        await Assert.ThrowsAsync<ArgumentException>(() => Host.InvokeHttpAsync("Echo", new HttpRequestMessage(HttpMethod.Get, "/api/items/42")));
        await Assert.ThrowsAsync<ArgumentException>(() => Host.InvokeHttpAsync("ProcessOrder", new HttpRequestMessage(HttpMethod.Get, "/api/orders")));
        await Assert.ThrowsAsync<ArgumentException>(() => Host.InvokeHttpAsync("NoSuchFunction", new HttpRequestMessage(HttpMethod.Get, "/api/x")));
    }

    [Fact]
    public async Task InvokeHttpAsync_TraceContextAndRetryCount_ReachTheFunctionContext()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var options = new InvocationOptions { InvocationId = "trace-1", TraceParent = traceParent, TraceState = "congo=t61rcWkgMzE", RetryCount = 2, MaxRetryCount = 5 };

        var result = await Host.InvokeHttpAsync("TraceInfo", new HttpRequestMessage(HttpMethod.Get, "/api/trace"), options);

        Assert.Equal($"{traceParent}|congo=t61rcWkgMzE|2/5|trace-1", await result.ReadBodyAsStringAsync());
        Assert.Equal("trace-1", result.Invocation.InvocationId);
        Assert.Equal(traceParent, result.Invocation.TraceParent);
    }

    [Fact]
    public async Task InvokeHttpAsync_NoTraceOrRetryGiven_SendsANewW3CTraceParentAndNoRetryContext()
    {
        var result = await Host.InvokeHttpAsync("TraceInfo", new HttpRequestMessage(HttpMethod.Get, "/api/trace"));

        // No retry policy and no RetryCount: no retry context is sent, and FunctionContext.RetryContext is null.
        var body = await result.ReadBodyAsStringAsync();
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", result.Invocation.TraceParent);
        Assert.StartsWith(result.Invocation.TraceParent + "||none|", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeHttpAsync_FunctionLogs_LogsAreCollectedPerInvocationAndGlobally()
    {
        var result = await Host.InvokeHttpAsync("LogSomething", new HttpRequestMessage(HttpMethod.Get, "/api/LogSomething"));

        // The function set no response: the host answers 200 without a body.
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var user = result.Invocation.Logs.Where(l => l.Kind == WorkerLogKind.User).ToList();
        Assert.Contains(user, l => l is { Level: LogLevel.Information, Category: "ClassicWorkerApp.LogSomething", Message: "information from LogSomething" });
        Assert.Contains(user, l => l is { Level: LogLevel.Warning, Message: "warning from LogSomething" });
        Assert.All(result.Invocation.Logs, l => Assert.Equal(result.Invocation.InvocationId, l.InvocationId));
        Assert.Contains(Host.Logs, l => l.InvocationId == result.Invocation.InvocationId && l.Message == "warning from LogSomething");
    }

    [Fact]
    public async Task InvokeQueueAsync_Message_TheFunctionSeesTheHostsTriggerMetadata()
    {
        var message = new QueueTriggerMessage("order-1")
        {
            Id = "msg-1",
            DequeueCount = 3,
            PopReceipt = "receipt-1",
            InsertionTime = Inserted,
            ExpirationTime = Inserted.AddDays(7),
            NextVisibleTime = Inserted.AddMinutes(10),
        };

        var result = await Host.InvokeQueueAsync("ProcessOrder", message);

        Assert.Equal(InvocationStatus.Success, result.Status);
        Assert.Equal(TypedValueKind.String, result.ReturnValue!.Kind);

        // Strings arrive as text; the host serializes numbers and dates as JSON, which the worker hands over as written.
        Assert.Equal(
            "message=order-1;Id=msg-1;DequeueCount=3;PopReceipt=receipt-1;InsertionTime=\"2026-01-01T12:00:00+00:00\";"
            + "ExpirationTime=\"2026-01-08T12:00:00+00:00\";NextVisibleTime=\"2026-01-01T12:10:00+00:00\";QueueTrigger=order-1",
            result.ReturnValue.AsString());
        Assert.Contains(result.Logs, l => l.Message == "processing order-1");
    }

    [Fact]
    public async Task InvokeQueueAsync_FunctionThrows_SurfacesTheException()
    {
        var result = await Host.InvokeQueueAsync("ProcessOrder", new QueueTriggerMessage("fail"));

        Assert.Equal(InvocationStatus.Failure, result.Status);
        Assert.Equal("System.InvalidOperationException", result.Error!.Type);
        Assert.Contains("order rejected: fail", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("TriggerFunctions.ProcessOrder", result.Error.StackTrace, StringComparison.Ordinal);
        Assert.Null(result.ReturnValue);
    }

    [Fact]
    public async Task InvokeQueueAsync_SdkQueueMessageParameter_IsBoundFromModelBindingData()
    {
        var result = await Host.InvokeQueueAsync("ProcessQueueMessage", new QueueTriggerMessage("typed body") { Id = "m-7", DequeueCount = 2, PopReceipt = "pr-7" });

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("m-7|2|pr-7|typed body", result.ReturnValue!.AsString());
    }

    [Fact]
    public async Task InvokeQueueAsync_TwentyConcurrentInvocations_AllRunAtOnce()
    {
        // The function returns only once all twenty are inside it together: they cannot finish one after another.
        var group = Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Host.InvokeQueueAsync("Rendezvous", new QueueTriggerMessage($"{group}:20:{i}"))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "met:" + i), results.Select(r => r.ReturnValue!.AsString()));
        Assert.Equal(20, results.Select(r => r.InvocationId).Distinct().Count());
    }

    [Fact]
    public async Task InvokeQueueAsync_CancelOn_CancellationReachesTheFunctionsToken()
    {
        using var cancel = new CancellationTokenSource();
        var options = new InvocationOptions { InvocationId = Guid.NewGuid().ToString(), CancelOn = cancel.Token };

        var invocation = Host.InvokeQueueAsync("WaitForCancel", new QueueTriggerMessage("slow-1"), options);
        await Host.WaitForLogAsync(options.InvocationId, "waiting: slow-1");
        await cancel.CancelAsync();
        var result = await invocation;

        // The worker 2.x reports a cancelled invocation as a failure ("A task was canceled.").
        Assert.NotEqual(InvocationStatus.Success, result.Status);
        Assert.Contains(result.Logs, l => l is { Level: LogLevel.Warning, Message: "cancellation reached the function" });
        Assert.Contains("cancel", result.Error!.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InvokeQueueAsync_CancelAfter_CancellationReachesTheFunctionsToken()
    {
        var result = await Host.InvokeQueueAsync("WaitForCancel", new QueueTriggerMessage("slow-2"), new InvocationOptions { CancelAfter = TimeSpan.FromSeconds(1) });

        Assert.NotEqual(InvocationStatus.Success, result.Status);
        Assert.Contains(result.Logs, l => l.Message == "cancellation reached the function");
    }

    [Fact]
    public async Task InvokeTimerAsync_PastDueTickWithStatus_TheFunctionSeesTheTimerInfo()
    {
        var tick = new TimerTick
        {
            IsPastDue = true,
            ScheduleStatus = new TimerScheduleStatus(Inserted, Inserted.AddMinutes(5), Inserted),
        };

        var result = await Host.InvokeTimerAsync("Tick", tick);

        Assert.True(result.Succeeded, result.Error?.Message);
        var log = Assert.Single(result.Logs, l => l.Kind == WorkerLogKind.User);
        Assert.StartsWith("tick: pastDue=True; last=2026-01-01T", log.Message, StringComparison.Ordinal);
        Assert.Contains("; next=2026-01-01T", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeTimerAsync_DefaultTick_IsOnTimeWithoutStatus()
    {
        var result = await Host.InvokeTimerAsync("Tick");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Contains(result.Logs, l => l.Message == "tick: pastDue=False; last=(null); next=(null)");
        await Assert.ThrowsAsync<ArgumentException>(() => Host.InvokeTimerAsync("ProcessOrder"));
    }

    [Fact]
    public async Task InvokeAsync_BlobTriggerWithRawInputAndMetadata_ReachesTheFunction()
    {
        var inputs = new Dictionary<string, TypedValue> { ["content"] = TypedValue.FromString("blob text") };
        var metadata = new Dictionary<string, TypedValue>
        {
            ["name"] = TypedValue.FromString("photo.png"),
            ["BlobTrigger"] = TypedValue.FromString("samples/photo.png"),
            ["Uri"] = TypedValue.FromJson("\"http://127.0.0.1:10000/devstoreaccount1/samples/photo.png\""),
            ["Properties"] = TypedValue.FromJson("""{"ContentType":"image/png","ContentLength":9}"""),
            ["Metadata"] = TypedValue.FromJson("""{"owner":"tests"}"""),
        };

        var result = await Host.InvokeAsync("OnBlob", inputs, metadata);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("photo.png:blob text:samples/photo.png", result.ReturnValue!.AsString());
    }
}
