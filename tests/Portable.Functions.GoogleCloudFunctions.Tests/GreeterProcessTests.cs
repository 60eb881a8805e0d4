using System.Net;
using System.Text;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>The Greeter.GoogleCloudFunctions entry project itself, started as Cloud Run starts it: FUNCTION_TARGET and PORT.</summary>
public sealed class GreeterProcessTests
{
    private static Task<FunctionProcess> StartAsync(string target) =>
        FunctionProcess.StartAsync(RepositoryPaths.ProjectOutput("samples/Greeter/Greeter.GoogleCloudFunctions", "Greeter.GoogleCloudFunctions"), target, [], ("FUNCTION_TARGET", target));

    private static string LegacyPubSub(string order) => $$$"""
        {"context":{"eventId":"1","timestamp":"2026-01-01T00:00:00Z","eventType":"google.pubsub.topic.publish",
         "resource":{"service":"pubsub.googleapis.com","name":"projects/p/topics/orders","type":"type.googleapis.com/google.pubsub.v1.PubsubMessage"}},
         "data":{"@type":"type.googleapis.com/google.pubsub.v1.PubsubMessage","data":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(order))}}}"}}
        """;

    [Fact]
    public async Task Greet_ServesTypedRequestsOnAnyPath()
    {
        await using var app = await StartAsync("greet");

        using var ok = await app.Client.PostAsync("/", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));
        using var bad = await app.Client.PostAsync("/x", new StringContent("not json", Encoding.UTF8, "application/json"));

        Assert.Equal("""{"message":"Hello, Ada!"}""", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task OrderPlaced_TakesLegacyPubSubEvents_AndReportsFailures()
    {
        await using var app = await StartAsync("order-placed");

        using var ok = await app.Client.PostAsync("/", new StringContent(LegacyPubSub("""{"orderId":"o-1","amount":12.5}"""), Encoding.UTF8, "application/json"));
        using var failed = await app.Client.PostAsync("/", new StringContent(LegacyPubSub("""{"orderId":"o-2","amount":-1}"""), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(["error"], failed.Headers.GetValues("X-Google-Status"));
    }
}
