using System.Net;
using System.Text;
using System.Text.Json;
using Portable.Functions.AzureFunctions.Testing;

namespace Portable.Functions.AzureFunctions.EndToEnd.Tests;

/// <summary>The Greeter sample's fixed contract (design §8), in the real isolated worker, as the Functions host drives it.</summary>
public sealed class GreeterWorkerTests(GreeterAppFixture fixture) : IClassFixture<GreeterAppFixture>
{
    private AzureFunctionsHostEmulator Host => fixture.Host;

    [Fact]
    public void Worker_IndexesGreetAsAnHttpPostOnRouteGreet_AndOrderPlacedAsAQueueTriggerOnOrders()
    {
        Assert.All(Host.Functions, f => Assert.True(f.IsLoaded, f.LoadError));
        var greet = Host.GetFunction("greet");
        Assert.Equal("httpTrigger", greet.TriggerType);
        Assert.Equal("greet", greet.Trigger!.GetProperty("route"));
        Assert.Equal(["post"], greet.Trigger.GetStrings("methods"));
        var orders = Host.GetFunction("order-placed");
        Assert.Equal("queueTrigger", orders.TriggerType);
        Assert.Equal("orders", orders.Trigger!.GetProperty("queueName"));
        Assert.NotNull(Host.HttpUri);
    }

    [Fact]
    public async Task Greet_Name_Answers200WithTheGreeting()
    {
        var result = await Host.InvokeHttpAsync("greet", Post("""{"name":"Ada"}"""));

        Assert.True(result.Invocation.Succeeded, result.Invocation.Error?.Message);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("application/json", result.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"message":"Hello, Ada!"}""", await result.ReadBodyAsStringAsync());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name":null}""")]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":"   "}""")]
    [InlineData("""{"name":""")]
    [InlineData("not json at all")]
    public async Task Greet_MissingNameOrMalformedBody_Answers400Problem_AndTheInvocationSucceeds(string body)
    {
        var result = await Host.InvokeHttpAsync("greet", Post(body));

        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
        Assert.Equal("application/problem+json", result.Response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await result.ReadBodyAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(result.Invocation.InvocationId, problem.RootElement.GetProperty("invocationId").GetString());
        // A client's mistake is answered, not failed: the host must not retry it or count it as an error.
        Assert.True(result.Invocation.Succeeded, result.Invocation.Error?.Message);
    }

    [Fact]
    public async Task OrderPlaced_ValidOrder_SucceedsAndLogsAcceptance()
    {
        var result = await Host.InvokeQueueAsync("order-placed", new QueueTriggerMessage("""{"orderId":"o-1","amount":12.5}""") { Id = "m-1" });

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Contains(result.Logs, l => l.Message.Contains("order o-1 accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrderPlaced_NegativeAmount_FailsTheInvocation_SoTheQueueRetriesIt()
    {
        var result = await Host.InvokeQueueAsync("order-placed", new QueueTriggerMessage("""{"orderId":"o-2","amount":-1}""") { Id = "m-2", DequeueCount = 1 });

        // The function's own exception reaches the host as it is: its type and message in the failure.
        Assert.Equal(InvocationStatus.Failure, result.Status);
        Assert.Equal("System.InvalidOperationException", result.Error!.Type);
        Assert.Contains("Order o-2 has a negative amount.", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderPlaced_MalformedMessage_FailsTheInvocation_WithoutItsDetails()
    {
        var result = await Host.InvokeQueueAsync("order-placed", new QueueTriggerMessage("""{"orderId":"""));

        Assert.Equal(InvocationStatus.Failure, result.Status);
        Assert.Contains("400", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"orderId":"o-3"}""", "amount")]
    [InlineData("""{"amount":3}""", "orderId")]
    public async Task OrderPlaced_MessageWithoutARequiredField_FailsTheInvocationNamingIt_AndTheFunctionDoesNotRun(string message, string missing)
    {
        var result = await Host.InvokeQueueAsync("order-placed", new QueueTriggerMessage(message));

        Assert.Equal(InvocationStatus.Failure, result.Status);
        Assert.Contains("400", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains($"'{missing}'", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Logs, l => l.Message.Contains("accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Greet_HundredSequentialThenTwentyConcurrent_AllAnswered()
    {
        for (var i = 0; i < 100; i++)
        {
            var result = await Host.InvokeHttpAsync("greet", Post($$"""{"name":"n{{i}}"}"""));
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Host.InvokeHttpAsync("greet", Post($$"""{"name":"c{{i}}"}"""))));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(20, results.Select(r => r.Invocation.InvocationId).Distinct().Count());
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => $$"""{"message":"Hello, c{{i}}!"}"""),
            await Task.WhenAll(results.Select(r => r.ReadBodyAsStringAsync())));
    }

    private static HttpRequestMessage Post(string body) =>
        new(HttpMethod.Post, "/api/greet") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
