using Microsoft.Extensions.DependencyInjection;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// Event Grid in the CloudEvents schema, delivered to an HTTP trigger (Trigger="eventgrid"): the webhook validation
/// handshake, single events and batches, in both HTTP programming models.
/// </summary>
public sealed class EventGridTests : IAsyncDisposable
{
    private const string BlobCreated = """
        {"specversion":"1.0","id":"9aeb0fdf-c01e-0131-0922-9eb54906e209","source":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct","subject":"/blobServices/default/containers/images/blobs/cat.png","type":"Microsoft.Storage.BlobCreated","time":"2026-05-01T12:00:00.000Z","datacontenttype":"application/json","data":{"api":"PutBlob","contentType":"image/png","contentLength":524288,"url":"https://acct.blob.core.windows.net/images/cat.png"},"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
        """;

    private readonly TestWorker _worker = new(s => s.AddAzureTestFunctions());

    private Received Received => _worker.Services.GetRequiredService<Received>();

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task Handshake_OptionsWithARequestOrigin_IsAllowed_AndRunsNothing(string model)
    {
        var answer = await AzureHttpTests.InvokeAsync(model, _worker.NewContext("text"), "text", "OPTIONS", "/api/grid", null, "", ("WebHook-Request-Origin", "eventgrid.azure.net"));

        Assert.Equal(200, answer.Status);
        Assert.Equal("eventgrid.azure.net", answer.Headers["WebHook-Allowed-Origin"]);
        Assert.Equal("*", answer.Headers["WebHook-Allowed-Rate"]);
        Assert.Empty(Received.Events);
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task SingleEvent_ReachesTheFunctionAsTheCloudEventItIs(string model)
    {
        var answer = await AzureHttpTests.InvokeAsync(model, _worker.NewContext("text"), "text", "POST", "/api/grid", "application/cloudevents+json; charset=utf-8", BlobCreated);

        Assert.Equal(204, answer.Status);
        var (received, context) = Assert.Single(Received.Events);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceContext.TraceId.ToHexString());
        Snapshot.Match(Describe.Event(received, ((FunctionEvent<string>)received).Data));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task Batch_EveryEventRuns_AndTheFirstFailureIsTheAnswer(string model)
    {
        var other = BlobCreated.Replace("9aeb0fdf-c01e-0131-0922-9eb54906e209", "second", StringComparison.Ordinal);
        var failing = """{"specversion":"1.0","id":"third","source":"/s","type":"t","datacontenttype":"text/plain","data":"boom"}""";

        var ok = await AzureHttpTests.InvokeAsync(model, _worker.NewContext("text"), "text", "POST", "/api/grid", "application/cloudevents-batch+json", $"[{BlobCreated},{other}]");
        var failed = await AzureHttpTests.InvokeAsync(model, _worker.NewContext("text"), "text", "POST", "/api/grid", "application/cloudevents-batch+json", $"[{other},{failing}]");

        Assert.Equal(204, ok.Status);
        Assert.Equal(500, failed.Status);
        Assert.Contains("\"eventId\":\"third\"", failed.Body, StringComparison.Ordinal);
        Assert.Equal(["9aeb0fdf-c01e-0131-0922-9eb54906e209", "second", "second", "third"], Received.Events.Select(e => e.Event.Id));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task InvalidEvent_Is400(string model)
    {
        var answer = await AzureHttpTests.InvokeAsync(model, _worker.NewContext("text"), "text", "POST", "/api/grid", "application/cloudevents+json", """{"specversion":"1.0","source":"/s","type":"t"}""");

        Assert.Equal(400, answer.Status);
        Assert.Contains("\"title\":\"Invalid CloudEvent\"", answer.Body, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => _worker.DisposeAsync();
}
