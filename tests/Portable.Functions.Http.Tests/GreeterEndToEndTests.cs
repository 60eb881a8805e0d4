using System.Net;
using System.Net.Mime;
using System.Text;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Greeter.Functions;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;
using Snapshooter.Xunit3;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// The reference sample's fixed contract (design section 8), over a real loopback socket. What the event function
/// received (ids, attributes, data) is recorded by a middleware beside the sample's own functions.
/// </summary>
public sealed class GreeterEndToEndTests : IAsyncLifetime
{
    private static readonly JsonEventFormatter Formatter = new();
    private RunningHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await RunningHost.StartAsync(s => s.AddGreeterFunctions().AddInputRecorder());

    private IReadOnlyList<FunctionEvent<Order>> Received => _host.App.Services.GetRequiredService<ReceivedInputs>().Events<Order>();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static CloudEvent Order(string orderId, double amount) => new()
    {
        Id = "evt-" + orderId,
        Source = new Uri("//shop/orders", UriKind.RelativeOrAbsolute),
        Type = "com.example.order.placed",
        Time = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero),
        DataContentType = "application/json",
        Data = new Dictionary<string, object> { ["orderId"] = orderId, ["amount"] = amount },
    };

    [Fact]
    public async Task Greet_WithName_Returns200Message()
    {
        using var response = await _host.Client.PostAsync("/greet", Json("""{"name":"Ada"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"message":"Hello, Ada!"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"name":""}""", "empty")]
    [InlineData("""{"name":"   "}""", "whitespace")]
    [InlineData("""{"name":null}""", "null")]
    [InlineData("""{}""", "missing")]
    public async Task Greet_WithoutAName_Returns400Problem(string body, string name)
    {
        using var response = await _host.Client.PostAsync("/greet", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Snapshot.Match(await Snapshots.DescribeAsync(response), Snapshooter.SnapshotNameExtension.Create(name));
    }

    [Theory]
    [InlineData("not json", "application/json", "not-json")]
    [InlineData("not json", null, "not-json-untyped")]
    [InlineData("{\"name\": \"Ada\"", "application/json", "truncated")]
    [InlineData("", "application/json", "empty-body")]
    public async Task Greet_BodyThatIsNotJson_Returns400ProblemWithoutInternals(string body, string? contentType, string name)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await _host.Client.PostAsync("/greet", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Snapshot.Match(await Snapshots.DescribeAsync(response), Snapshooter.SnapshotNameExtension.Create(name));
    }

    [Fact]
    public async Task Greet_XmlBody_Returns415()
    {
        using var response = await _host.Client.PostAsync("/greet", new StringContent("<name>Ada</name>", Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Greet_Get_Returns405WithAllow()
    {
        using var response = await _host.Client.GetAsync("/greet");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task OrderPlaced_CloudEvent_Returns204_AndTheFunctionGetsItsAttributesAndData(ContentMode mode)
    {
        using var response = await _host.Client.PostAsync("/order-placed", Order("o-1", 12.5).ToHttpContent(mode, Formatter));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(Received);
        Assert.Equal(("1.0", "evt-o-1", "//shop/orders", "com.example.order.placed"), (received.SpecVersion, received.Id, received.Source, received.Type));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), received.Time);
        Assert.Equal("application/json", received.DataContentType);
        Assert.Equal(new Order("o-1", 12.5m), received.Data);
    }

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task OrderPlaced_NegativeAmount_Returns500ProblemWithoutInternals(ContentMode mode)
    {
        using var response = await _host.Client.PostAsync("/order-placed", Order("o-2", -1).ToHttpContent(mode, Formatter));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("negative", text, StringComparison.Ordinal);
        Snapshot.Match(await Snapshots.DescribeAsync(response));
    }

    [Fact]
    public async Task OrderPlaced_PlainJson_Returns204_AndTheBodyIsTheEventsData()
    {
        using var response = await _host.Client.PostAsync("/order-placed", Json("""{"orderId":"o-3","amount":1}"""));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(Received);
        Assert.Equal(("/order-placed", FunctionEvent.HttpRequestType), (received.Source, received.Type));
        Assert.False(string.IsNullOrEmpty(received.Id));
        Assert.Equal(new Order("o-3", 1m), received.Data);
    }

    [Fact]
    public async Task OrderPlaced_Batch_Returns204_AndEveryEventReachesTheFunctionInOrder()
    {
        var content = new[] { Order("o-4", 1), Order("o-5", 2) }.ToHttpContent(Formatter);

        using var response = await _host.Client.PostAsync("/order-placed", content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([("evt-o-4", new Order("o-4", 1m)), ("evt-o-5", new Order("o-5", 2m))], Received.Select(e => (e.Id, e.Data)));
    }

    [Fact]
    public async Task OrderPlaced_DataThatDoesNotBind_Returns400()
    {
        var cloudEvent = Order("o-6", 1);
        cloudEvent.Data = new Dictionary<string, object> { ["orderId"] = "o-6", ["amount"] = "lots" };

        using var response = await _host.Client.PostAsync("/order-placed", cloudEvent.ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Received);
        Snapshot.Match(await Snapshots.DescribeAsync(response));
    }

    [Theory]
    [InlineData("""{"orderId":"o-7"}""", "missing-amount")]
    [InlineData("""{"amount":1}""", "missing-orderId")]
    [InlineData("""{}""", "missing-both")]
    [InlineData("""{"orderId":null,"amount":1}""", "null-orderId")]
    public async Task OrderPlaced_RequiredFieldMissingOrNull_Returns400NamingIt_AndTheFunctionDoesNotRun(string data, string name)
    {
        using var plain = await _host.Client.PostAsync("/order-placed", Json(data));
        var cloudEvent = Order("o-7", 1);
        cloudEvent.Data = System.Text.Json.JsonDocument.Parse(data).RootElement;
        using var binary = await _host.Client.PostAsync("/order-placed", cloudEvent.ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, binary.StatusCode);
        Assert.Empty(Received);
        Snapshot.Match(await Snapshots.DescribeAsync(binary), Snapshooter.SnapshotNameExtension.Create(name));
    }

    [Fact]
    public async Task Healthz_Returns200WithTheFunctionList()
    {
        using var response = await _host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy","functions":["greet","order-placed"]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownPath_Returns404Problem()
    {
        using var response = await _host.Client.PostAsync("/no-such-function", Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Snapshot.Match(await Snapshots.DescribeAsync(response));
    }
}
