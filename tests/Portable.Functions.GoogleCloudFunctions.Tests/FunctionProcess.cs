using System.Diagnostics;
using System.Text;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// A built entry assembly started as its own process — as Cloud Run or the conformance client start it — on a free
/// port, in its own working directory, ready once it prints that it serves its target.
/// </summary>
internal sealed class FunctionProcess : IAsyncDisposable
{
    private readonly Process _process;

    private FunctionProcess(Process process, string workingDirectory, int port)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        Client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public string WorkingDirectory { get; }

    /// <summary>Starts <c>dotnet &lt;assembly&gt; [args]</c> with <c>PORT</c> and <paramref name="environment"/>, and waits until it serves <paramref name="target"/>.</summary>
    public static Task<FunctionProcess> StartAsync(string assemblyPath, string target, string[] args, params (string Name, string Value)[] environment) =>
        LoopbackPorts.StartAsync(port => StartAsync(assemblyPath, target, args, port, environment));

    private static async Task<FunctionProcess> StartAsync(string assemblyPath, string target, string[] args, int port, (string Name, string Value)[] environment)
    {
        var directory = Directory.CreateTempSubdirectory("pf-gcf-").FullName;
        var start = new ProcessStartInfo("dotnet", [assemblyPath, .. args])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in new[] { "FUNCTION_TARGET", "FUNCTION_SIGNATURE_TYPE", "K_SERVICE", "DOTNET_RUNNING_IN_CONTAINER" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        void Collect(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line?.Contains($"serving '{target}'", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var running = new FunctionProcess(process, directory, port);
        try
        {
            // Ready, or exited (a port taken in between, a start-up error), or silent for a minute.
            await Task.WhenAny(ready.Task, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
        }

        if (!ready.Task.IsCompleted)
        {
            await running.DisposeAsync();
            lock (output)
            {
                var text = output.ToString();
                throw LoopbackPorts.SaysPortInUse(text)
                    ? new PortInUseException(text)
                    : new InvalidOperationException($"{Path.GetFileName(assemblyPath)} did not start serving '{target}' on port {port}:\n{text}");
            }
        }

        return running;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
