using System.Diagnostics;
using System.Net;
using System.Text;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Http.Tests;

/// <summary>The README's quick start: the Greeter.Http entry project itself, started as a process.</summary>
public sealed class GreeterProcessTests
{
    private static string EntryAssemblyPath() => RepositoryPaths.ProjectOutput("samples/Greeter/Greeter.Http", "Greeter.Http");

    [Fact]
    public async Task GreeterHttp_StartedWithPort_ServesGreetAndPrintsItsBanner()
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet", [EntryAssemblyPath()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("DOTNET_RUNNING_IN_CONTAINER");

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains($"listening on http://localhost:{port}", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };

            using var ok = await client.PostAsync("/greet", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));
            using var bad = await client.PostAsync("/greet", new StringContent("not json", Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("""{"message":"Hello, Ada!"}""", await ok.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            lock (output)
            {
                Assert.Contains("POST /greet", output.ToString(), StringComparison.Ordinal);
                Assert.Contains("POST /order-placed", output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
