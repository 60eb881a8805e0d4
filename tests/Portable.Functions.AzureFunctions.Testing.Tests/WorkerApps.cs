using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>The isolated-worker apps under tests/AzureWorkerApps, built by this project's references.</summary>
internal static class WorkerApps
{
    public static string Classic => RepositoryPaths.ProjectOutput("tests/AzureWorkerApps/ClassicWorkerApp", "ClassicWorkerApp");

    public static string AspNetCore => RepositoryPaths.ProjectOutput("tests/AzureWorkerApps/AspNetCoreWorkerApp", "AspNetCoreWorkerApp");
}

/// <summary>One started worker per test class: a start costs about a second.</summary>
public abstract class EmulatorFixture(string applicationPath) : IAsyncLifetime
{
    private AzureFunctionsHostEmulator? _host;

    public AzureFunctionsHostEmulator Host => _host ?? throw new InvalidOperationException("The fixture has not started.");

    public async ValueTask InitializeAsync()
    {
        var options = new AzureFunctionsHostEmulatorOptions { ApplicationPath = applicationPath };
        options.EnvironmentVariables["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        _host = await AzureFunctionsHostEmulator.StartAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class ClassicWorkerAppFixture() : EmulatorFixture(WorkerApps.Classic);

public sealed class AspNetCoreWorkerAppFixture() : EmulatorFixture(WorkerApps.AspNetCore);

internal static class LogWaiting
{
    /// <summary>Waits (at most 30 seconds) until the worker sent a log entry of the invocation containing the text.</summary>
    public static async Task WaitForLogAsync(this AzureFunctionsHostEmulator host, string invocationId, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!host.Logs.Any(l => l.InvocationId == invocationId && l.Message.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
