using System.Net;
using System.Text;
using Portable.Functions.AzureFunctions.Testing;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.EndToEnd.Tests;

/// <summary>
/// Every generated trigger kind in the real isolated worker (the built-in HTTP model): the input → status table, the
/// host's cancellation and trace context reaching the function, and queue, blob and timer events as the host sends them.
/// </summary>
public sealed class TriggersWorkerTests(TriggersAppFixture fixture) : IClassFixture<TriggersAppFixture>
{
    private AzureFunctionsHostEmulator Host => fixture.Host;

    /// <summary>
    /// The rows the worker is sent. A row whose method the function's trigger does not list (GET to <c>typed</c>,
    /// declared POST) never reaches the worker on Azure — the host's router answers it — so it is not sent here either.
    /// </summary>
    public static TheoryData<string> Rows()
    {
        var rows = new TheoryData<string>();
        foreach (var row in StatusTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.AzureFunctions) && !(c.Function != "http" && c.Method == "GET")))
        {
            rows.Add(row.Name);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task StatusTable_Row_IsAnsweredAsTheTableSays(string name)
    {
        var row = StatusTable.Cases.Single(c => c.Name == name);
        var path = row.Function == "event" ? "/api/events" : "/api/" + row.Function;

        var result = await Host.InvokeHttpAsync(row.Function, row.ToRequest(path));

        Assert.Empty((await StatusAnswer.ReadAsync(result.Response)).Check(row));
        // Every outcome, a function's exception included, is answered by the adapter (and logged as an error): a
        // failed invocation would lose the problem body (the host answers an empty 500).
        Assert.True(result.Invocation.Succeeded, result.Invocation.Error?.Message);
    }

    [Fact]
    public async Task StatusTable_Typed_ReadsTheAppSettingAndAnswersCamelCase()
    {
        var row = StatusTable.Cases[0];

        var result = await Host.InvokeHttpAsync("typed", row.ToRequest("/api/typed"));

        Assert.Equal("""{"greeting":"Hi, Ada!"}""", await result.ReadBodyAsStringAsync());
    }

    [Fact]
    public async Task Cancellation_FromTheHost_ReachesTheFunctionsToken()
    {
        var result = await Host.InvokeHttpAsync("slow", new HttpRequestMessage(HttpMethod.Get, "/api/slow"), new InvocationOptions { CancelAfter = TimeSpan.FromMilliseconds(300) });

        Assert.Contains(result.Invocation.Logs, l => l.Message == "slow: cancelled");
    }

    [Fact]
    public async Task TraceContext_FromTheHost_IsTheParentOfTheFunctionsActivity()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var options = new InvocationOptions { InvocationId = "inv-trace-1", TraceParent = traceParent, TraceState = "congo=t61rcWkgMzE" };

        var result = await Host.InvokeHttpAsync("trace", new HttpRequestMessage(HttpMethod.Get, "/api/trace"), options);

        Assert.Equal("inv-trace-1 0af7651916cd43dd8448eb211c80319c b7ad6b7169203331 congo=t61rcWkgMzE", await result.ReadBodyAsStringAsync());
    }

    [Fact]
    public async Task Queue_Message_IsAnEventWithTheMessagesIdAndText()
    {
        var result = await Host.InvokeQueueAsync("queued", new QueueTriggerMessage("hello queue") { Id = "m-42", DequeueCount = 2 });

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Contains(result.Logs, l => l.Message.StartsWith("received m-42 ", StringComparison.Ordinal) && l.Message.EndsWith(" hello queue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blob_NewBlob_IsAStorageObjectChange()
    {
        var input = new Dictionary<string, TypedValue> { ["content"] = TypedValue.FromBytes(Encoding.UTF8.GetBytes("twelve bytes")) };
        var metadata = new Dictionary<string, TypedValue>
        {
            ["BlobTrigger"] = TypedValue.FromString("uploads/photos/cat.png"),
            ["name"] = TypedValue.FromString("photos/cat.png"),
            ["Uri"] = TypedValue.FromString("https://account.blob.core.windows.net/uploads/photos/cat.png"),
            ["Properties"] = TypedValue.FromJson("""{"ContentLength":12,"ContentType":"image/png","ETag":"\"0x8D\""}"""),
        };

        var result = await Host.InvokeAsync("blob.created", input, metadata);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Contains(result.Logs, l => l.Message.EndsWith(" Created uploads/photos/cat.png 12", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timer_PastDueTick_IsAPastDueScheduleTick()
    {
        var result = await Host.InvokeTimerAsync("nightly", new TimerTick { IsPastDue = true });

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Contains(result.Logs, l => l.Message.EndsWith(" past-due=True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventGrid_ValidationHandshake_IsAnswered()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/events");
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");

        var result = await Host.InvokeHttpAsync("event", request);

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("eventgrid.azure.net", Assert.Single(result.Response.Headers.GetValues("WebHook-Allowed-Origin")));
    }
}
