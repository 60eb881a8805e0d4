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
        Assert.False(IsRunning(pid));
        // WorkerTerminate made the worker stop by itself: it was not killed.
        Assert.Equal(0, host.WorkerExitCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.InvokeTimerAsync("Tick"));
        await host.DisposeAsync();
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

    private static bool IsRunning(int pid)
    {
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
