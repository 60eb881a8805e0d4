using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>The worker's process, started as the host starts it, with its console output kept for error messages.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int MaxOutputChars = 64 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process, string applicationDirectory)
    {
        _process = process;
        ApplicationDirectory = applicationDirectory;
    }

    public string ApplicationDirectory { get; }

    public int Id => _process.Id;

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>&lt;executable&gt; &lt;worker&gt;</c> with the host's switches and environment. The application path is
    /// the entry assembly, an app host, or the app folder whose <c>worker.config.json</c> names both.
    /// </summary>
    public static WorkerProcess Start(AzureFunctionsHostEmulatorOptions options, Uri serverUri, string workerId, string requestId)
    {
        var (executable, arguments, directory) = Resolve(options.ApplicationPath);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var maxMessageLength = options.GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] switches =
        [
            "--host", serverUri.Host, "--port", serverUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", maxMessageLength,
            "--functions-uri", serverUri.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", maxMessageLength,
        ];
        foreach (var value in switches)
        {
            start.ArgumentList.Add(value);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = directory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = directory;
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = options.Environment;
        foreach (var (name, value) in options.EnvironmentVariables)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, directory);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"The worker process '{executable}' did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Watched only once its output is being read: a worker that exits at once (dotnet refusing what it was given)
        // could otherwise be reported exited before the reading began, without the output that says why.
        _ = worker.ObserveExitAsync();
        return worker;
    }

    public void KillTree()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited in between.
        }
    }

    public void Dispose() => _process.Dispose();

    private static (string Executable, string[] Arguments, string Directory) Resolve(string applicationPath)
    {
        if (string.IsNullOrWhiteSpace(applicationPath))
        {
            throw new ArgumentException("ApplicationPath must name the worker's entry assembly, its app host, or the function app folder.", nameof(applicationPath));
        }

        var path = Path.GetFullPath(applicationPath);
        if (System.IO.Directory.Exists(path))
        {
            return FromWorkerConfig(path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The worker app '{path}' does not exist. Build it first.", path);
        }

        var directory = Path.GetDirectoryName(path)!;
        return string.Equals(Path.GetExtension(path), ".dll", StringComparison.OrdinalIgnoreCase)
            ? (DotnetHost(), [path], directory)
            : (path, [], directory);
    }

    /// <summary>Reads <c>worker.config.json</c> as the host does: <c>defaultExecutablePath</c> and <c>defaultWorkerPath</c>.</summary>
    private static (string Executable, string[] Arguments, string Directory) FromWorkerConfig(string directory)
    {
        var config = Path.Combine(directory, "worker.config.json");
        if (!File.Exists(config))
        {
            throw new FileNotFoundException($"The folder '{directory}' has no worker.config.json: give the app's built output folder or its entry assembly.", config);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(config));
        var description = document.RootElement.GetProperty("description");
        var root = directory + Path.DirectorySeparatorChar;
        var executable = Read(description, "defaultExecutablePath") ?? "dotnet";
        var worker = Read(description, "defaultWorkerPath");
        executable = executable.Replace("{WorkerRoot}", root, StringComparison.Ordinal);
        if (string.Equals(executable, "dotnet", StringComparison.Ordinal))
        {
            executable = DotnetHost();
        }

        return worker is null
            ? (executable, [], directory)
            : (executable, [Path.Combine(directory, worker.Replace("{WorkerRoot}", root, StringComparison.Ordinal))], directory);

        static string? Read(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>The <c>dotnet</c> that runs this process when it is one (as under <c>dotnet test</c>), else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        var host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = System.Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? current : "dotnet";
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > MaxOutputChars)
            {
                _output.Remove(0, _output.Length - MaxOutputChars);
            }
        }
    }

    private async Task ObserveExitAsync()
    {
        int code;
        try
        {
            // Completes when the process has exited and its redirected output is read to its end, so an error message
            // carries all of it.
            await _process.WaitForExitAsync().ConfigureAwait(false);
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        _exited.TrySetResult(code);
    }
}
