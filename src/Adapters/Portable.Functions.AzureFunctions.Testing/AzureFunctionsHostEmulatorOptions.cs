namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>What to start and how the emulated host behaves.</summary>
public sealed class AzureFunctionsHostEmulatorOptions
{
    /// <summary>
    /// Gets or sets the built worker app: its entry assembly (<c>MyApp.dll</c>, started with <c>dotnet</c>), its app
    /// host executable, or the function app folder, where <c>worker.config.json</c> names the executable and the
    /// worker as the host reads them.
    /// </summary>
    /// <value>Required.</value>
    public string ApplicationPath { get; set; } = string.Empty;

    /// <summary>Gets environment variables for the worker process, such as app settings (<c>AzureWebJobsStorage</c>); a <see langword="null"/> value removes an inherited variable.</summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets the host version the emulator claims in <c>WorkerInitRequest</c>.</summary>
    /// <value>The default value is <c>4.1045.0</c>.</value>
    public string HostVersion { get; set; } = "4.1045.0";

    /// <summary>Gets the capabilities the emulator advertises in <c>WorkerInitRequest</c>.</summary>
    /// <value>Empty by default.</value>
    public IDictionary<string, string> HostCapabilities { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the value of <c>AZURE_FUNCTIONS_ENVIRONMENT</c>.</summary>
    /// <value>The default value is <c>Development</c>, as Core Tools sets it.</value>
    public string Environment { get; set; } = "Development";

    /// <summary>Gets or sets how long the worker has to connect, initialize and load its functions.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long an invocation may take before the emulator cancels it and gives up.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long the worker has to exit after <c>WorkerTerminate</c> before its process tree is killed.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest gRPC message either side may send (<c>--functions-grpc-max-message-length</c>).</summary>
    /// <value>The default value is <see cref="int.MaxValue"/>, as the host passes.</value>
    public int GrpcMaxMessageLength { get; set; } = int.MaxValue;

    /// <summary>Gets or sets the address HTTP requests with a relative URI are taken to be sent to.</summary>
    /// <value>The default value is <c>http://localhost:7071/</c>, Core Tools' address.</value>
    public Uri HostBaseAddress { get; set; } = new("http://localhost:7071/");

    /// <summary>Gets or sets the HTTP route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    /// <value>The default value is <c>api</c>.</value>
    public string RoutePrefix { get; set; } = "api";

    /// <summary>Gets or sets the clock for default queue message and timer times.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
