using Greeter.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// Storage Queue, Blob and Timer triggers: the worker's input and trigger metadata (as the host sends them: strings,
/// numbers, JSON text) become CloudEvents-shaped events; a failure reaches the worker as an exception, so the platform
/// retries (and poison-queues) the message.
/// </summary>
public sealed class AzureEventTests : IAsyncDisposable
{
    private static readonly Dictionary<string, object?> QueueMetadata = new()
    {
        ["Id"] = "b2f1e7c4-5a9d-4c1e-8f3b-1a2b3c4d5e6f",
        ["DequeueCount"] = "2",
        ["InsertionTime"] = "\"2026-05-01T12:00:00+00:00\"",
        ["ExpirationTime"] = "2026-05-08T12:00:00+00:00",
        ["NextVisibleTime"] = "\"2026-05-01T12:10:00+00:00\"",
        ["PopReceipt"] = "AgAAAAMAAAAAAAAA",
    };

    private readonly TestWorker _worker = new(s => s.AddAzureTestFunctions(), new Dictionary<string, string?> { ["OrdersQueue"] = "orders-prod" });

    private Received Received => _worker.Services.GetRequiredService<Received>();

    [Fact]
    public async Task Queue_Message_BecomesAnEventWithItsMetadata()
    {
        var context = _worker.NewContext("text", QueueMetadata);

        await AzureFunctionsEntryPoint.QueueAsync("text", "orders", "plain words", context);

        var (received, functionContext) = Assert.Single(Received.Events);
        Assert.Equal(context.InvocationId, functionContext.InvocationId);
        Assert.Equal(FunctionProvider.AzureFunctions, functionContext.Provider);
        Assert.DoesNotContain(received.Extensions, e => e.Value.Contains("AgAAAAMAAAAAAAAA", StringComparison.Ordinal)); // the pop receipt deletes the message: never passed on
        Snapshot.Match(Describe.Event(received, ((FunctionEvent<string>)received).Data));
    }

    [Fact]
    public async Task Queue_JsonMessage_BindsToTheFunctionsType()
    {
        var context = _worker.NewContext("order-placed", QueueMetadata);

        await AzureFunctionsEntryPoint.QueueAsync("order-placed", "orders", """{"orderId":"o-1","amount":12.5}""", context);

        Assert.Contains(_worker.Logs.Entries, e => e.Message == "order o-1 accepted");
    }

    [Fact]
    public async Task Queue_NameFromAnAppSetting_IsResolved()
    {
        await AzureFunctionsEntryPoint.QueueAsync("text", "%OrdersQueue%", "x", _worker.NewContext("text", QueueMetadata));

        Assert.Equal("/queues/orders-prod", Assert.Single(Received.Events).Event.Source);
    }

    [Fact]
    public async Task Queue_FunctionThrows_TheExceptionReachesTheWorker_SoThePlatformRetries()
    {
        var context = _worker.NewContext("order-placed", QueueMetadata);

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => AzureFunctionsEntryPoint.QueueAsync("order-placed", "orders", """{"orderId":"o-2","amount":-1}""", context));

        Assert.IsNotType<FunctionFailedException>(exception); // the function's own exception, so the platform's logs name its type
        Assert.Contains(_worker.Logs.Entries, e => e.Exception == exception && e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Theory]
    [InlineData("""{"orderId":""", 400)]
    [InlineData("<order/>", 400)]
    [InlineData("", 400)]
    [InlineData("""{"orderId":"o-1"}""", 400)]
    [InlineData("""{"orderId":null,"amount":1}""", 400)]
    public async Task Queue_MessageThatDoesNotBind_FailsWithTheProblem(string message, int status)
    {
        var exception = await Assert.ThrowsAsync<FunctionFailedException>(() => AzureFunctionsEntryPoint.QueueAsync("order-placed", "orders", message, _worker.NewContext("order-placed", QueueMetadata)));

        Assert.Equal(FunctionStatus.Rejected, exception.Result!.Status);
        Assert.Equal(status, exception.Result.StatusCode);
        Assert.Contains("(invocation ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_worker.Logs.Entries, e => e.Message.Contains("accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Queue_ToATypedFunction_IsAClearError()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => AzureFunctionsEntryPoint.QueueAsync("greet", "orders", "{}", _worker.NewContext("greet", QueueMetadata)));

        Assert.Contains("needs an event function", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_UnknownFunction_NamesTheRegisteredOnes()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => AzureFunctionsEntryPoint.QueueAsync("nope", "orders", "{}", _worker.NewContext("nope")));

        Assert.Contains("Registered functions: greet, order-placed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_BuiltByAHandWrittenTrigger_RunsAsAnyOther()
    {
        var envelope = new FunctionEventEnvelope { Id = "sb-1", Source = "/servicebus/orders", Type = "com.example.order", Data = "boom"u8.ToArray(), DataContentType = "text/plain" };
        var context = _worker.NewContext("text");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => AzureFunctionsEntryPoint.EventAsync("text", envelope, context));

        var (received, functionContext) = Assert.Single(Received.Events);
        Assert.Equal(("sb-1", context.InvocationId), (received.Id, functionContext.InvocationId));
        Assert.Equal("secret internal detail", exception.Message);
    }

    [Fact]
    public async Task Blob_BecomesAStorageObjectChange()
    {
        var context = _worker.NewContext("storage", BlobMetadata());

        await AzureFunctionsEntryPoint.BlobAsync("storage", """{"invoice":7}"""u8.ToArray(), context);

        var (received, _) = Assert.Single(Received.Events);
        Snapshot.Match(Describe.Event(received, ((FunctionEvent<StorageObjectChange>)received).Data));
    }

    [Fact]
    public async Task Blob_ToAByteFunction_GivesTheContent()
    {
        await AzureFunctionsEntryPoint.BlobAsync("bytes", "hello blob"u8.ToArray(), _worker.NewContext("bytes", BlobMetadata()));

        var (received, _) = Assert.Single(Received.Events);
        Assert.Equal("hello blob"u8.ToArray(), ((FunctionEvent<byte[]>)received).Data);
    }

    [Fact]
    public async Task Timer_BecomesAScheduleTick()
    {
        var timer = new TimerInfo
        {
            IsPastDue = true,
            ScheduleStatus = new ScheduleStatus { Last = new DateTime(2026, 5, 1, 2, 0, 0, DateTimeKind.Utc), Next = new DateTime(2026, 5, 3, 2, 0, 0, DateTimeKind.Utc) },
        };
        var context = _worker.NewContext("tick");

        await AzureFunctionsEntryPoint.TimerAsync("tick", timer, context);

        var (received, functionContext) = Assert.Single(Received.Events);
        var tick = ((FunctionEvent<ScheduleTick>)received).Data;
        Assert.True(tick.IsPastDue);
        Assert.Equal(received.Time, tick.ScheduledTime);
        Assert.Equal(context.InvocationId, received.Id);
        Assert.Equal(("/timers/tick", "azure.timer.tick"), (received.Source, received.Type));
        Assert.Equal("2026-05-03T02:00:00.0000000+00:00", received.Extensions["schedulenext"]);
        Assert.Equal("timer", functionContext.Activity?.GetTagItem("faas.trigger") ?? "timer");
    }

    [Fact]
    public async Task Start_InvalidOptions_StopTheWorkerNamingTheSetting()
    {
        await using var worker = new TestWorker(s => s.AddAzureTestFunctions(), new Dictionary<string, string?> { ["PortableFunctions:DeadlineGracePeriod"] = "-00:00:01" });
        var startup = worker.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single();

        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => startup.StartAsync(CancellationToken.None));

        Assert.Contains("DeadlineGracePeriod", exception.Message, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => _worker.DisposeAsync();

    private static Dictionary<string, object?> BlobMetadata() => new()
    {
        ["BlobTrigger"] = "invoices/2026/05/inv-7.json",
        ["Uri"] = "https://acct.blob.core.windows.net/invoices/2026/05/inv-7.json",
        ["name"] = "2026/05/inv-7.json",
        ["Properties"] = """{"ContentLength":13,"ContentType":"application/json","ETag":"\"0x8DD1234ABCD\"","LastModified":"2026-05-01T12:00:00+00:00"}""",
        ["Metadata"] = "{}",
    };
}
