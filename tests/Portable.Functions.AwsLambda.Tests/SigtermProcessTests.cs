using System.Diagnostics;
using System.Text;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>A real SIGTERM to a runtime process in the middle of an invocation: it finishes, answers, cleans up and exits 0.</summary>
public sealed class SigtermProcessTests
{
    [Fact]
    public async Task Sigterm_MidInvocation_TheInvocationFinishes_TheShutdownHandlerRuns_AndTheProcessExitsZero()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        await using var server = await RuntimeApiServer.StartAsync();
        var start = new ProcessStartInfo("dotnet", [Portable.Functions.TestUtilities.RepositoryPaths.ProjectOutput("tests/Portable.Functions.AwsLambda.TestApp", "Portable.Functions.AwsLambda.TestApp")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = server.Address;
        start.Environment["_HANDLER"] = "slow";
        start.Environment.Remove("AWS_LAMBDA_MAX_CONCURRENCY");
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.StartsWith("started ", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var requestId = server.Enqueue("""{"milliseconds":1500}""");
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var result = await server.ResultAsync(requestId);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal("response", result.Kind);
            Assert.Equal("""{"waited":1500}""", result.Body);
            Assert.Equal(0, process.ExitCode);
            Assert.Equal(1, server.NextCalls); // no invocation taken after the signal
            lock (output)
            {
                Assert.Contains("shutdown handler ran", output.ToString(), StringComparison.Ordinal);
            }
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
