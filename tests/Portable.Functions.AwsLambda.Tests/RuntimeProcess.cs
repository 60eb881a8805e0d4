using System.Diagnostics;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// A Lambda runtime started as a process of its own against a loopback Runtime API — an entry project's build run with
/// <c>dotnet</c>, or a native binary — with its standard output kept line by line. Disposing it kills the process if it
/// is still running.
/// </summary>
internal sealed class RuntimeProcess : IAsyncDisposable
{
    private readonly List<string> _lines = [];
    private readonly List<(string Prefix, TaskCompletionSource Seen)> _awaited = [];

    private RuntimeProcess(Process process)
    {
        Process = process;
    }

    /// <summary>Gets the process.</summary>
    public Process Process { get; }

    /// <summary>Gets what the process wrote to standard output so far, one line per entry.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <c>dotnet</c> on the built assembly of an entry project of the repository.</summary>
    public static RuntimeProcess StartProject(string projectDirectory, string assemblyName, RuntimeApiServer server, string handler, params (string Name, string Value)[] environment) =>
        Start(new ProcessStartInfo("dotnet", [RepositoryPaths.ProjectOutput(projectDirectory, assemblyName)]), server, handler, environment);

    /// <summary>Starts an executable.</summary>
    public static RuntimeProcess StartExecutable(string path, RuntimeApiServer server, string handler) =>
        Start(new ProcessStartInfo(path), server, handler, []);

    /// <summary>Completes when the process has written a line that starts with <paramref name="prefix"/> (or already had).</summary>
    public Task LineStartingWith(string prefix)
    {
        lock (_lines)
        {
            if (_lines.Exists(line => line.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited.Add((prefix, seen));
            return seen.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private static RuntimeProcess Start(ProcessStartInfo start, RuntimeApiServer server, string handler, (string Name, string Value)[] environment)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = server.Address;
        start.Environment["_HANDLER"] = handler;
        start.Environment.Remove("AWS_LAMBDA_MAX_CONCURRENCY");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var runtime = new RuntimeProcess(Process.Start(start)!);
        runtime.Process.OutputDataReceived += (_, e) => runtime.Add(e.Data);
        runtime.Process.BeginOutputReadLine();
        runtime.Process.BeginErrorReadLine();
        return runtime;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            foreach (var (prefix, seen) in _awaited)
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }
    }
}
