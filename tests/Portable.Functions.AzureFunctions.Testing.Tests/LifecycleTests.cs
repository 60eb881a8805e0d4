using System.Diagnostics;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>Starting from the app folder, stopping, and the errors a start reports.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task DisposeAsync_StartedFromTheAppFolder_TerminatesTheWorkerProcess()
    {
        var host = await AzureFunctionsHostEmulator.StartAsync(new AzureFunctionsHostEmulatorOptions { ApplicationPath = Path.GetDirectoryName(WorkerApps.Classic)! });
        var pid = host.WorkerProcessId;
        Assert.False(host.HasWorkerExited);
        Assert.True(IsRunning(pid));
        Assert.NotEmpty(host.Functions);

        await host.DisposeAsync();

        Assert.True(host.HasWorkerExited);
        Assert.True(await StopsRunningAsync(pid));
        // WorkerTerminate made the worker stop by itself: it was not killed.
        Assert.Equal(0, host.WorkerExitCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.InvokeTimerAsync("Tick"));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task InvokeQueueAsync_WorkerExitsDuringTheInvocation_ThrowsAndReportsTheExit()
    {
        await using var host = await AzureFunctionsHostEmulator.StartAsync(new AzureFunctionsHostEmulatorOptions { ApplicationPath = WorkerApps.Classic });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeQueueAsync("Crash", new QueueTriggerMessage("now")));

        Assert.Contains("The worker went away during invocation", error.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => host.HasWorkerExited);
        Assert.Equal(3, host.WorkerExitCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeQueueAsync("ProcessOrder", new QueueTriggerMessage("too late")));
    }

    [Fact]
    public async Task StartAsync_MissingApplication_ThrowsFileNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "App.dll");

        await Assert.ThrowsAsync<FileNotFoundException>(() => AzureFunctionsHostEmulator.StartAsync(new AzureFunctionsHostEmulatorOptions { ApplicationPath = missing }));
        await Assert.ThrowsAsync<ArgumentException>(() => AzureFunctionsHostEmulator.StartAsync(new AzureFunctionsHostEmulatorOptions()));
    }

    [Fact]
    public async Task StartAsync_ProcessExitsBeforeConnecting_ThrowsWithItsOutput()
    {
        // A library, not an app: dotnet refuses to run it and exits at once.
        var notAnApp = typeof(AzureFunctionsHostEmulator).Assembly.Location;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzureFunctionsHostEmulator.StartAsync(new AzureFunctionsHostEmulatorOptions { ApplicationPath = notAnApp }));

        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("Worker output:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WorkerNeverConnects_TimesOutWithItsOutputAndKillsItsProcessTree()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("The stand-in worker is a shell script.");
            return;
        }

        var directory = Directory.CreateTempSubdirectory("pf-azure-emulator-").FullName;
        try
        {
            // A "worker" that prints a line, starts a child that would outlive it, and never connects.
            var script = Path.Combine(directory, "worker.sh");
            var childPid = Path.Combine(directory, "child.pid");
            await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"stand-in worker $*\"\nsleep 120 &\necho $! > '{childPid}'\nwait\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var error = await Assert.ThrowsAsync<TimeoutException>(() => AzureFunctionsHostEmulator.StartAsync(
                new AzureFunctionsHostEmulatorOptions { ApplicationPath = script, StartupTimeout = TimeSpan.FromSeconds(1) }));

            Assert.Contains("did not finish connecting", error.Message, StringComparison.Ordinal);
            Assert.Contains("stand-in worker --host 127.0.0.1 --port", error.Message, StringComparison.Ordinal);
            Assert.Contains("--functions-uri http://127.0.0.1:", error.Message, StringComparison.Ordinal);
            Assert.Contains("--functions-grpc-max-message-length 2147483647", error.Message, StringComparison.Ordinal);
            Assert.True(await StopsRunningAsync(int.Parse((await File.ReadAllTextAsync(childPid)).Trim(), System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    /// <summary>A killed process may take a moment to go, and stays a zombie until it is reaped: both count as gone.</summary>
    private static async Task<bool> StopsRunningAsync(int pid)
    {
        for (var attempt = 0; attempt < 100 && IsRunning(pid); attempt++)
        {
            await Task.Delay(50);
        }

        return !IsRunning(pid);
    }

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // The state follows the command name in parentheses: Z is a zombie, already dead.
                var text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
