using System.Text.Json;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The Greeter.AwsLambda entry project itself, started as a process against a Runtime API on loopback.</summary>
public sealed class GreeterProcessTests
{
    [Fact]
    public async Task GreeterAwsLambda_OrderPlacedOnSqs_ReportsFailures_LogsJson_AndExitsOnA500()
    {
        await using var server = await RuntimeApiServer.StartAsync();
        await using var runtime = RuntimeProcess.StartProject("samples/Greeter/Greeter.AwsLambda", "Greeter.AwsLambda", server, "order-placed",
            ("AWS_LAMBDA_FUNCTION_NAME", "greeter-orders"), ("AWS_LAMBDA_LOG_FORMAT", "JSON"));
        var requestId = server.Enqueue(Fixtures.Bytes("sqs.json"));
        var result = await server.ResultAsync(requestId);
        server.EnqueueContainerError();
        await runtime.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c65"}]}""", result.Body);
        Assert.Equal(LambdaFunctionsHost.RuntimeApiFailedExitCode, runtime.Process.ExitCode);
        var lines = runtime.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var accepted = Assert.Single(lines, line => line.Contains("order o-100 accepted", StringComparison.Ordinal));
        using var entry = JsonDocument.Parse(accepted);
        Assert.Equal("INFO", entry.RootElement.GetProperty("level").GetString());
        Assert.Equal("order o-100 accepted", entry.RootElement.GetProperty("message").GetString());
        Assert.Equal(requestId, entry.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("order-placed", entry.RootElement.GetProperty("functionName").GetString());
        Assert.Equal("o-100", entry.RootElement.GetProperty("OrderId").GetString());
        Assert.EndsWith("Z", entry.RootElement.GetProperty("timestamp").GetString(), StringComparison.Ordinal);

        // The failed order is logged with its exception, as one JSON line too.
        var failure = Assert.Single(lines, line => line.Contains("\"level\":\"ERROR\"", StringComparison.Ordinal));
        using var failed = JsonDocument.Parse(failure);
        Assert.Equal("System.InvalidOperationException", failed.RootElement.GetProperty("errorType").GetString());
    }
}
