using System.Diagnostics;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>A real SIGTERM to a runtime process in the middle of an invocation: it finishes, answers, cleans up and exits 0.</summary>
public sealed class SigtermProcessTests
{
    [Fact]
    public async Task Sigterm_MidInvocation_TheInvocationFinishes_TheShutdownHandlerRuns_AndTheProcessExitsZero()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        await using var server = await RuntimeApiServer.StartAsync();
        await using var runtime = RuntimeProcess.StartProject("tests/Portable.Functions.AwsLambda.TestApp", "Portable.Functions.AwsLambda.TestApp", server, "slow");
        var requestId = server.Enqueue("""{"milliseconds":1500}""");
        await runtime.LineStartingWith("started ").WaitAsync(TimeSpan.FromSeconds(60));

        using (var kill = Process.Start("kill", ["-TERM", runtime.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var result = await server.ResultAsync(requestId);
        await runtime.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("response", result.Kind);
        Assert.Equal("""{"waited":1500}""", result.Body);
        Assert.Equal(0, runtime.Process.ExitCode);
        Assert.Equal(1, server.NextCalls); // no invocation taken after the signal
        Assert.Contains("shutdown handler ran", runtime.Output, StringComparison.Ordinal);
    }
}
