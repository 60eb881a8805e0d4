using System.Diagnostics;
using System.Net;
using System.Text;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>The Greeter.GoogleCloudFunctions entry project itself, started as Cloud Run starts it: FUNCTION_TARGET and PORT.</summary>
public sealed class GreeterProcessTests
{
    private static async Task<(Process Process, HttpClient Client)> StartAsync(string target)
    {
        var port = Paths.FreePort();
        var dll = Paths.ProjectOutput("samples/Greeter/Greeter.GoogleCloudFunctions", "Greeter.GoogleCloudFunctions");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FUNCTION_TARGET"] = target;
        start.Environment.Remove("FUNCTION_SIGNATURE_TYPE");
        start.Environment.Remove("K_SERVICE");
        start.Environment.Remove("DOTNET_RUNNING_IN_CONTAINER");
        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains($"serving '{target}'", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return (process, new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") });
    }

    private static async Task StopAsync(Process process, HttpClient client)
    {
        client.Dispose();
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    [Fact]
    public async Task Greet_ServesTypedRequestsOnAnyPath()
    {
        var (process, client) = await StartAsync("greet");
        try
        {
            using var ok = await client.PostAsync("/", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));
            using var bad = await client.PostAsync("/x", new StringContent("not json", Encoding.UTF8, "application/json"));

            Assert.Equal("""{"message":"Hello, Ada!"}""", await ok.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        finally
        {
            await StopAsync(process, client);
        }
    }

    [Fact]
    public async Task OrderPlaced_TakesLegacyPubSubEvents_AndReportsFailures()
    {
        var (process, client) = await StartAsync("order-placed");
        try
        {
            static string Legacy(string order) => $$$"""
                {"context":{"eventId":"1","timestamp":"2026-01-01T00:00:00Z","eventType":"google.pubsub.topic.publish",
                 "resource":{"service":"pubsub.googleapis.com","name":"projects/p/topics/orders","type":"type.googleapis.com/google.pubsub.v1.PubsubMessage"}},
                 "data":{"@type":"type.googleapis.com/google.pubsub.v1.PubsubMessage","data":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(order))}}}"}}
                """;

            using var ok = await client.PostAsync("/", new StringContent(Legacy("""{"orderId":"o-1","amount":12.5}"""), Encoding.UTF8, "application/json"));
            using var failed = await client.PostAsync("/", new StringContent(Legacy("""{"orderId":"o-2","amount":-1}"""), Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(["error"], failed.Headers.GetValues("X-Google-Status"));
        }
        finally
        {
            await StopAsync(process, client);
        }
    }
}
