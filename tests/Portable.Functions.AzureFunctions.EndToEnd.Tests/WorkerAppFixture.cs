using Portable.Functions.AzureFunctions.Testing;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.EndToEnd.Tests;

/// <summary>
/// One built isolated-worker app, started the way the Functions host starts it and driven over the worker's gRPC
/// protocol by <see cref="AzureFunctionsHostEmulator"/>: the real worker 2.52, its middleware, binding and HTTP proxy,
/// with the package's generated entry points inside. One start per test class (about a second).
/// </summary>
public abstract class WorkerAppFixture(string projectDirectory, string assemblyName, IReadOnlyDictionary<string, string>? environment = null) : IAsyncLifetime
{
    private AzureFunctionsHostEmulator? _host;

    public AzureFunctionsHostEmulator Host => _host ?? throw new InvalidOperationException("The worker has not started.");

    public async ValueTask InitializeAsync()
    {
        var options = new AzureFunctionsHostEmulatorOptions
        {
            ApplicationPath = RepositoryPaths.ProjectOutput(projectDirectory, assemblyName),
            Environment = "Production",
            InvocationTimeout = TimeSpan.FromSeconds(60),
        };
        options.EnvironmentVariables["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            options.EnvironmentVariables[name] = value;
        }

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

/// <summary>samples/Greeter/Greeter.AzureFunctions: the ASP.NET Core integration.</summary>
public sealed class GreeterAppFixture() : WorkerAppFixture("samples/Greeter/Greeter.AzureFunctions", "Greeter.AzureFunctions");

/// <summary>
/// tests/Portable.Functions.AzureFunctions.TriggersApp: the built-in HTTP model (HttpRequestData), every trigger kind,
/// configured through app settings as on Azure.
/// </summary>
public sealed class TriggersAppFixture() : WorkerAppFixture(
    "tests/Portable.Functions.AzureFunctions.TriggersApp",
    "Portable.Functions.AzureFunctions.TriggersApp",
    new Dictionary<string, string>
    {
        ["PortableFunctions__AzureFunctions__MaxRequestBodySize"] = StatusTable.BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Greeting__Prefix"] = "Hi",
        ["OrdersQueue"] = "orders",
    });
