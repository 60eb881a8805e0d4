using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Testing;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.Tests;

public sealed class EventFunctionInvokerTests
{
    private static FunctionEventEnvelope Envelope(string data, string? contentType = "application/json", IReadOnlyDictionary<string, string>? extensions = null) => new()
    {
        Id = "evt-1",
        Source = "//queue/orders",
        Type = "com.example.payment",
        Subject = "payments/1",
        Time = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero),
        DataContentType = contentType,
        DataSchema = "https://example.com/payment.json",
        Extensions = extensions ?? new Dictionary<string, string>(),
        Data = Encoding.UTF8.GetBytes(data),
    };

    [Fact]
    public async Task InvokeEventAsync_ValidData_BindsDataAndAttributes()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var extensions = new Dictionary<string, string> { ["partitionkey"] = "p1" };

        var result = await host.InvokeEventEnvelopeAsync("pay", Envelope("""{"id":"p-1","amount":12.5}""", extensions: extensions));

        Assert.True(result.Succeeded);
        var received = (FunctionEvent<Payment>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Equal(new Payment("p-1", 12.5m), received.Data);
        Assert.Equal("evt-1", received.Id);
        Assert.Equal("//queue/orders", received.Source);
        Assert.Equal("com.example.payment", received.Type);
        Assert.Equal("payments/1", received.Subject);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), received.Time);
        Assert.Equal("application/json", received.DataContentType);
        Assert.Equal("https://example.com/payment.json", received.DataSchema);
        Assert.Equal("1.0", received.SpecVersion);
        Assert.Equal("p1", received.Extensions["partitionkey"]);
    }

    [Fact]
    public async Task InvokeEventAsync_FunctionThrows_FailsWith500ProblemWithoutInternals()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeEventEnvelopeAsync("pay", Envelope("""{"id":"p-1","amount":-1}"""), new TestInvocationOptions { InvocationId = "inv-e1" });

        Assert.Equal(FunctionStatus.Failed, result.Status);
        Assert.IsType<ArgumentOutOfRangeException>(result.Exception);
        var response = result.Result.Response;
        Assert.Equal(500, response.StatusCode);
        Snapshot.Match(Json.Pretty(response.Body));
    }

    [Theory]
    [InlineData("{\"id\":", "malformed")]
    [InlineData("{\"id\":\"p\",\"amount\":\"x\"}", "wrong-type")]
    [InlineData("", "empty")]
    [InlineData("null", "null")]
    public async Task InvokeEventAsync_DataThatDoesNotBind_IsRejectedWith400(string data, string name)
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeEventEnvelopeAsync("pay", Envelope(data), new TestInvocationOptions { InvocationId = "inv-" + name });

        Assert.Equal(FunctionStatus.Rejected, result.Status);
        Assert.Empty(host.Services.GetRequiredService<InvocationLog>().Events);
        Snapshot.Match(Json.Pretty(result.Result.Response.Body), SnapshotNameExtension.Create(name));
    }

    [Theory]
    [InlineData("plain words", "text/plain", "plain words")]
    [InlineData("\"a json string\"", "application/json", "a json string")]
    [InlineData("not quoted", null, "not quoted")]
    public async Task InvokeEventAsync_StringData_IsTextOrAJsonString(string data, string? contentType, string expected)
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeEventEnvelopeAsync("text", Envelope(data, contentType));

        Assert.True(result.Succeeded);
        var received = (FunctionEvent<string>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Equal(expected, received.Data);
    }

    [Fact]
    public async Task InvokeEventAsync_ByteData_IsPassedThroughUnchanged()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var envelope = new FunctionEventEnvelope { Id = "b", Source = "/s", Type = "t", DataContentType = "application/octet-stream", Data = new byte[] { 0, 255, 7 } };

        var result = await host.InvokeEventEnvelopeAsync("bytes", envelope);

        Assert.True(result.Succeeded);
        var received = (FunctionEvent<byte[]>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Equal(new byte[] { 0, 255, 7 }, received.Data);
    }

    [Fact]
    public async Task InvokeEventAsync_PortableStorageData_BindsWithoutAUserContext()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var data = """{"bucket":"b","key":"a/b.txt","kind":"Deleted","size":12,"etag":"E1","contentType":"text/plain","version":"3"}""";

        var result = await host.InvokeEventEnvelopeAsync("storage", Envelope(data));

        Assert.True(result.Succeeded);
        var received = (FunctionEvent<StorageObjectChange>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Equal(("b", "a/b.txt", StorageChangeKind.Deleted, 12L, "E1", "text/plain", "3"),
            (received.Data.Bucket, received.Data.Key, received.Data.Kind, received.Data.Size, received.Data.ETag, received.Data.ContentType, received.Data.Version));
    }

    [Fact]
    public async Task InvokeEventAsync_TypedData_FromTheTestHost()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeEventAsync("pay", new Payment("p-9", 1m));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task InvokeHttpAsync_OnAnEventFunction_PostsTheBodyAsAPlainEvent()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeHttpAsync("pay", Json.Post("/pay", """{"id":"p-2","amount":3}"""), new TestInvocationOptions { InvocationId = "inv-plain" });

        Assert.Equal(204, result.StatusCode);
        var received = (FunctionEvent<Payment>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Equal(("inv-plain", "/pay", FunctionEvent.HttpRequestType, "application/json", "p-2"),
            (received.Id, received.Source, received.Type, received.DataContentType, received.Data.Id));
    }

    [Theory]
    [InlineData("GET", "application/json", "{}", 405)]
    [InlineData("POST", "application/xml", "<payment/>", 415)]
    [InlineData("POST", "application/json", "{\"id\":", 400)]
    [InlineData("POST", "application/json", "", 400)]
    public async Task InvokeHttpAsync_OnAnEventFunction_RejectsWhatIsNoEvent(string method, string contentType, string body, int status)
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var request = Json.Post("/pay", body, contentType);

        var result = await host.InvokeHttpAsync("pay", new FunctionHttpRequest { Method = method, Path = "/pay", Headers = request.Headers, Body = request.Body });

        Assert.Equal(status, result.StatusCode);
        Assert.Equal(FunctionStatus.Rejected, result.Status);
        Assert.Empty(host.Services.GetRequiredService<InvocationLog>().Events);
        if (status == 405)
        {
            Assert.Equal("POST", result.Response.Headers["Allow"].ToString());
        }
    }

    [Fact]
    public async Task InvokeEventAsync_DataOfAnotherMediaType_IsRejectedWith415()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeEventEnvelopeAsync("pay", Envelope("<payment/>", "application/xml"));

        Assert.Equal(415, result.Result.StatusCode);
        Assert.Contains("application/xml", result.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeEventAsync_BoundPortableData_ReachesTheFunctionAsItIs()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var change = new StorageObjectChange { Bucket = "b", Key = "k" };
        var envelope = new FunctionEventEnvelope { Id = "s-1", Source = "/s", Type = "t", BoundData = change };

        var result = await host.InvokeEventEnvelopeAsync("storage", envelope);

        Assert.True(result.Succeeded);
        var received = (FunctionEvent<StorageObjectChange>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Same(change, received.Data);
    }

    [Fact]
    public async Task InvokeEventAsync_BoundPortableData_ReachesOtherDataTypesAsJson()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var envelope = new FunctionEventEnvelope { Id = "s-2", Source = "/s", Type = "t", BoundData = new StorageObjectChange { Bucket = "b", Key = "k", Kind = StorageChangeKind.Created } };

        var result = await host.InvokeEventEnvelopeAsync("text", envelope);

        Assert.True(result.Succeeded);
        var received = (FunctionEvent<string>)Assert.Single(host.Services.GetRequiredService<InvocationLog>().Events);
        Assert.Equal("""{"bucket":"b","key":"k","kind":"Created"}""", received.Data);
    }

    [Fact]
    public async Task InvokeEventAsync_OnATypedFunction_Throws()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        Assert.True(host.Catalog.TryGet("echo", out var echo));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await echo.InvokeEventAsync(Envelope("{}")));
    }
}
