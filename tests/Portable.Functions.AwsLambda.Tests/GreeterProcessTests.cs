using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The Greeter.AwsLambda entry project itself, started as a process against a Runtime API on loopback.</summary>
public sealed class GreeterProcessTests
{
    private static string EntryAssemblyPath() =>
        Portable.Functions.TestUtilities.RepositoryPaths.ProjectOutput("samples/Greeter/Greeter.AwsLambda", "Greeter.AwsLambda");

    [Fact]
    public async Task GreeterAwsLambda_OrderPlacedOnSqs_ReportsFailures_LogsJson_AndExitsOnA500()
    {
        await using var server = await RuntimeApiServer.StartAsync();
        var start = new ProcessStartInfo("dotnet", [EntryAssemblyPath()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = server.Address;
        start.Environment["_HANDLER"] = "order-placed";
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "greeter-orders";
        start.Environment["AWS_LAMBDA_LOG_FORMAT"] = "JSON";
        start.Environment.Remove("AWS_LAMBDA_MAX_CONCURRENCY");

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var requestId = server.Enqueue(Fixtures.Bytes("sqs.json"));
            var result = await server.ResultAsync(requestId);
            server.EnqueueContainerError();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c65"}]}""", result.Body);
            Assert.Equal(LambdaFunctionsHost.RuntimeApiFailedExitCode, process.ExitCode);
            string[] lines;
            lock (output)
            {
                lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }

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
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }
}
