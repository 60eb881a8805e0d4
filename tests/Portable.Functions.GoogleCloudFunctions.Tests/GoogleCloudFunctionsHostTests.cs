using System.Net;
using System.Text;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Greeter.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter.Xunit3;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>The Functions Framework host end to end on a real loopback port, with the Greeter's functions.</summary>
public sealed class GoogleCloudFunctionsHostTests
{
    private static readonly JsonEventFormatter Formatter = new();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The Greeter's event function on the host, with what it receives recorded.</summary>
    private static Task<RunningGcfHost> StartOrderPlacedAsync() => RunningGcfHost.StartAsync(s => s.AddGreeterFunctions().AddInputRecorder(), "order-placed");

    private static IReadOnlyList<FunctionEvent<Order>> Received(RunningGcfHost host) => host.App.Services.GetRequiredService<ReceivedInputs>().Events<Order>();

    private static CloudEvent PubSubOrder(string orderJson) => new()
    {
        Id = "msg-1",
        Source = new Uri("//pubsub.googleapis.com/projects/acme/topics/orders", UriKind.RelativeOrAbsolute),
        Type = "google.cloud.pubsub.topic.v1.messagePublished",
        Time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        DataContentType = "application/json",
        Data = new Dictionary<string, object>
        {
            ["message"] = new Dictionary<string, object>
            {
                ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(orderJson)),
                ["attributes"] = new Dictionary<string, string> { ["origin"] = "test" },
                ["messageId"] = "msg-1",
            },
            ["subscription"] = "projects/acme/subscriptions/orders",
        },
    };

    [Theory]
    [InlineData("/")]
    [InlineData("/greet")]
    [InlineData("/any/path/at/all")]
    public async Task TypedTarget_AnyPath_ReachesTheFunction(string path)
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddGreeterFunctions(), "greet");

        using var response = await host.Client.PostAsync(path, Json("""{"name":"Ada"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"message":"Hello, Ada!"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("ETag"));
    }

    [Theory]
    [InlineData("/robots.txt")]
    [InlineData("/favicon.ico")]
    public async Task RobotsAndFavicon_Return404_WithoutInvokingTheFunction(string path)
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddGreeterFunctions(), "greet");

        using var response = await host.Client.PostAsync(path, Json("""{"name":""}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // greet, invoked, would answer 400 for an empty name
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"invocationId\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypedTarget_BadInput_Returns400_AndKeepsServing()
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddGreeterFunctions(), "greet");

        using var notJson = await host.Client.PostAsync("/", Json("not json"));
        using var empty = await host.Client.PostAsync("/", Json("""{"name":""}"""));
        using var fine = await host.Client.PostAsync("/", Json("""{"name":"Bo"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.False(notJson.Headers.Contains(FunctionsFrameworkHandler.StatusHeader));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task EventTarget_PubSubCloudEvent_DeliversTheDecodedMessage(ContentMode mode)
    {
        await using var host = await StartOrderPlacedAsync();

        using var response = await host.Client.PostAsync("/", PubSubOrder("""{"orderId":"o-1","amount":12.5}""").ToHttpContent(mode, Formatter));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(Received(host));
        Assert.Equal(("msg-1", "//pubsub.googleapis.com/projects/acme/topics/orders", "google.cloud.pubsub.topic.v1.messagePublished"), (received.Id, received.Source, received.Type));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), received.Time);
        Assert.Equal(new Order("o-1", 12.5m), received.Data);
        Assert.Equal("test", received.Extensions["origin"]);
    }

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task EventTarget_FunctionFails_Returns500WithXGoogleStatusError(ContentMode mode)
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddGreeterFunctions(), "order-placed");

        using var response = await host.Client.PostAsync("/", PubSubOrder("""{"orderId":"o-2","amount":-5}""").ToHttpContent(mode, Formatter));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(["error"], response.Headers.GetValues("X-Google-Status"));
        Snapshot.Match(await DescribeAsync(response));
    }

    [Fact]
    public async Task EventTarget_LegacyPubSubEvent_IsConvertedAndDelivered()
    {
        await using var host = await StartOrderPlacedAsync();
        var legacy = File.ReadAllText(Paths.Fixture("pubsub-nested"));

        using var response = await host.Client.PostAsync("/", Json(legacy));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(Received(host));
        Assert.Equal(("1215011316659232", "//pubsub.googleapis.com/projects/acme-prod/topics/orders", "google.cloud.pubsub.topic.v1.messagePublished"), (received.Id, received.Source, received.Type));
        Assert.Equal(DateTimeOffset.Parse("2024-02-01T08:15:30.5Z", System.Globalization.CultureInfo.InvariantCulture), received.Time);
        Assert.Equal(new Order("o1", 4m), received.Data);
        Assert.Equal(("checkout", "high"), (received.Extensions["origin"], received.Extensions["priority"]));
    }

    [Fact]
    public async Task EventTarget_PubSubPush_IsConvertedAndDelivered()
    {
        await using var host = await StartOrderPlacedAsync();

        using var response = await host.Client.PostAsync("/projects/acme-prod/topics/orders", Json(File.ReadAllText(Paths.Fixture("pubsub-push"))));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(Received(host));
        Assert.Equal(("2070443601311540", "//pubsub.googleapis.com/projects/acme-prod/topics/orders"), (received.Id, received.Source));
        Assert.Equal(DateTimeOffset.Parse("2024-02-01T08:20:00.999Z", System.Globalization.CultureInfo.InvariantCulture), received.Time);
        Assert.Equal(new Order("o2", 7m), received.Data);
        Assert.Equal("batch-job", received.Extensions["origin"]);
    }

    [Fact]
    public async Task EventTarget_MalformedCloudEvents_Return400_AndKeepServing()
    {
        await using var host = await StartOrderPlacedAsync();
        using var missingSource = new HttpRequestMessage(HttpMethod.Post, "/") { Content = Json("{}") };
        missingSource.Headers.Add("ce-specversion", "1.0");
        missingSource.Headers.Add("ce-id", "1");
        missingSource.Headers.Add("ce-type", "t");

        using var binary = await host.Client.SendAsync(missingSource);
        using var structured = await host.Client.PostAsync("/", new StringContent("{\"specversion\":\"1.0\"", Encoding.UTF8, "application/cloudevents+json"));
        using var badBase64 = await host.Client.PostAsync("/", Json("""{"message":{"data":"%%%","messageId":"1"},"subscription":"projects/p/subscriptions/s"}"""));
        using var unknownLegacy = await host.Client.PostAsync("/", Json("""{"eventId":"1","eventType":"providers/nope/eventTypes/x","resource":"r","data":{}}"""));
        using var fine = await host.Client.PostAsync("/", PubSubOrder("""{"orderId":"o-3","amount":1}""").ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal(HttpStatusCode.BadRequest, binary.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, structured.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBase64.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownLegacy.StatusCode);
        Snapshot.Match(await DescribeAsync(binary));
        Assert.Equal(HttpStatusCode.NoContent, fine.StatusCode);
        Assert.Equal("o-3", Assert.Single(Received(host)).Data.OrderId);
    }

    [Theory]
    [InlineData("""{"orderId":"o-4","amount":"lots"}""", "$.amount")]
    [InlineData("""{"orderId":"o-4"}""", "amount")]
    [InlineData("""{"orderId":null,"amount":1}""", "$.orderId")]
    public async Task EventTarget_DataThatDoesNotBind_Returns400NamingTheMember_WithoutXGoogleStatus(string order, string named)
    {
        await using var host = await StartOrderPlacedAsync();

        using var response = await host.Client.PostAsync("/", PubSubOrder(order).ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{named}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains(FunctionsFrameworkHandler.StatusHeader));
        Assert.Empty(Received(host));
    }

    [Fact]
    public async Task HttpTarget_FunctionCrashes_Returns500WithXGoogleStatusCrash()
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddPortableFunctions(f => f.AddHttpFunction<Crash>("crash")), null);

        using var response = await host.Client.GetAsync("/whatever?x=1");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(["crash"], response.Headers.GetValues("X-Google-Status"));
        Assert.DoesNotContain("boom", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpTarget_PathBodyAndHeaders_ReachTheFunctionUnmodified()
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddPortableFunctions(f => f.AddHttpFunction<Echo>("echo")), null);
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/a/b%20c?x=1&x=2") { Content = new StringContent("raw bytes", Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Custom", "v");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal("PATCH /a/b c x=1&x=2 v raw bytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MapFunctionsFramework_SignatureThatDoesNotFitTheFunction_FailsAtStartup()
    {
        var builder = GoogleCloudFunctionsHost.CreateBuilder([], o =>
        {
            o.Port = LoopbackPorts.Free();
            o.Target = "order-placed";
            o.SignatureType = FunctionSignatureType.Http;
        });
        builder.Services.AddGreeterFunctions();
        await using var app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapFunctionsFramework());
        Assert.Contains("order-placed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapFunctionsFramework_UnknownTarget_FailsAtStartupListingTheFunctions()
    {
        var builder = GoogleCloudFunctionsHost.CreateBuilder(["--target", "nope", "--port", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        builder.Services.AddGreeterFunctions();
        await using var app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapFunctionsFramework());
        Assert.Contains("greet, order-placed", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (body.ContainsKey("invocationId"))
        {
            body["invocationId"] = "<invocationId>";
        }

        return $"HTTP {(int)response.StatusCode}\ncontent-type: {response.Content.Headers.ContentType}\n\n{body.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })}";
    }

    private sealed class Crash : IHttpFunction
    {
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("boom");
    }

    private sealed class Echo : IHttpFunction
    {
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken) =>
            Task.FromResult(FunctionHttpResponse.Text($"{request.Method} {request.Path} {request.QueryString} {request.GetHeader("X-Custom")} {Encoding.UTF8.GetString(request.Body.Span)}"));
    }
}
