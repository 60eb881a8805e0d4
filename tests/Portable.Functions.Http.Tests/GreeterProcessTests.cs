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
        var (process, port, output) = await LoopbackPorts.StartAsync(StartAsync);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };

            using var ok = await client.PostAsync("/greet", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));
            using var bad = await client.PostAsync("/greet", new StringContent("not json", Encoding.UTF8, "application/json"));

            Assert.True(HttpStatusCode.OK == ok.StatusCode, Output(output));
            Assert.Equal("""{"message":"Hello, Ada!"}""", await ok.Content.ReadAsStringAsync());
            Assert.True(HttpStatusCode.BadRequest == bad.StatusCode, Output(output));
            Assert.Contains("POST /greet", Output(output), StringComparison.Ordinal);
            Assert.Contains("POST /order-placed", Output(output), StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private static string Output(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>Starts the entry project with <c>PORT</c> and waits for its banner; on failure the exception carries its output.</summary>
    private static async Task<(Process Process, int Port, StringBuilder Output)> StartAsync(int port)
    {
        var start = new ProcessStartInfo("dotnet", [EntryAssemblyPath()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("DOTNET_RUNNING_IN_CONTAINER");

        var process = Process.Start(start)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line?.Contains($"listening on http://localhost:{port}", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(listening.Task, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
        }

        if (listening.Task.IsCompleted)
        {
            return (process, port, output);
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        var text = Output(output);
        throw LoopbackPorts.SaysPortInUse(text) ? new PortInUseException(text) : new InvalidOperationException($"Greeter.Http did not start on port {port}:\n{text}");
    }
}
