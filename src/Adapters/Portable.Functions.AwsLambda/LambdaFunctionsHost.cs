using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Runs one registered function as a Lambda function, with Portable.Functions' own Runtime API client. A whole
/// entry project is <c>return await LambdaFunctionsHost.RunAsync(args, s => s.AddMyFunctions());</c>.
/// </summary>
/// <remarks>
/// <para>The host builds an <see cref="IConfiguration"/> — <c>appsettings.json</c> beside the executable when there is one,
/// then environment variables, then the command line — and registers it, so functions may take
/// <see cref="IConfiguration"/> or bound options like on any other host; the core's options bind from the section
/// <c>PortableFunctions</c>, the adapter's from <c>PortableFunctions:AwsLambda</c>, and both are validated before the
/// first invocation. The function is the one <c>PORTABLE_FUNCTIONS_FUNCTION</c> or else <c>_HANDLER</c> names, or the
/// only one registered. The Runtime API is <c>AWS_LAMBDA_RUNTIME_API</c> (or the <c>--runtime-api-endpoint host:port</c>
/// switch). With <c>AWS_LAMBDA_MAX_CONCURRENCY</c> set (Lambda Managed Instances) that many invocations run at the same
/// time. <c>AWS_LAMBDA_LOG_FORMAT=JSON</c> writes JSON log lines, and <c>AWS_LAMBDA_LOG_LEVEL</c> sets the minimum level.</para>
/// <para>Exit codes: 0 after cancellation, 1 when the runtime cannot start (reported to <c>/runtime/init/error</c>),
/// 2 when the Runtime API reports a non-recoverable state or cannot be reached.</para>
/// </remarks>
public static partial class LambdaFunctionsHost
{
    /// <summary>
    /// The environment variable that names the function to run when <c>_HANDLER</c> cannot: on the managed .NET runtime
    /// <c>_HANDLER</c> names the executable assembly. It takes precedence over <c>_HANDLER</c>.
    /// </summary>
    public const string FunctionVariable = "PORTABLE_FUNCTIONS_FUNCTION";

    /// <summary>The exit code after the Runtime API failed: it answered 500 (or another status it never answers a healthy runtime), or cannot be reached.</summary>
    public const int RuntimeApiFailedExitCode = 2;

    /// <summary>The exit code after the runtime could not start, for example because no function matches <c>_HANDLER</c>.</summary>
    public const int InitFailedExitCode = 1;

    /// <summary>Selects the function, then serves invocations until the Runtime API or <paramref name="cancellationToken"/> ends it.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configureServices">Registers the functions, usually through <c>AddPortableFunctions</c>.</param>
    /// <param name="cancellationToken">Stops the loop when cancelled.</param>
    /// <returns>The process exit code (see the remarks).</returns>
    public static Task<int> RunAsync(string[] args, Action<IServiceCollection> configureServices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configureServices);

        // A cold start has two processors: a second thread builds the selected function's JSON metadata (PreparedFunction).
        // The configuration is not read yet, so the function's name comes from the environment, where Lambda sets it; a
        // command line that names another only costs the work.
        var prepared = PreparedFunction.Begin(Environment.GetEnvironmentVariable(FunctionVariable) is { Length: > 0 } named ? named : Environment.GetEnvironmentVariable("_HANDLER"));
        IConfigurationRoot configuration;
        try
        {
            configuration = BuildConfiguration(args);
        }
        catch
        {
            prepared?.Start(null);
            throw;
        }

        return RunAsync(configureServices, configuration, prepared, cancellationToken);
    }

    /// <summary>The command-line switches, mapped onto the environment variables they stand for.</summary>
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--runtime-api-endpoint"] = "AWS_LAMBDA_RUNTIME_API",
    };

    /// <summary><c>appsettings.json</c> beside the executable when there is one, environment variables, the command line: later sources win.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="baseDirectory">Where <c>appsettings.json</c> is looked for: the executable's directory unless a test says otherwise.</param>
    /// <exception cref="InvalidDataException"><c>appsettings.json</c> is not valid JSON configuration.</exception>
    internal static IConfigurationRoot BuildConfiguration(string[] args, string? baseDirectory = null)
    {
        var builder = new ConfigurationBuilder();
        var settings = Path.Combine(baseDirectory ?? AppContext.BaseDirectory, "appsettings.json");
        FileStream? file = null;
        try
        {
            if (File.Exists(settings))
            {
                // Read once as a stream: a file provider would bring file watching into the binary, for a file that is
                // never reloaded. Checked first, so that a function without settings opens nothing.
                file = File.OpenRead(settings);
                builder.AddJsonStream(file);
            }

            return builder.AddEnvironmentVariables().AddCommandLine(args, SwitchMappings).Build();
        }
        catch (Exception exception) when (file is not null && exception is FormatException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"Failed to load configuration from file '{settings}'.", exception);
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>The seam tests use: the settings come from <paramref name="configuration"/>, so a test points the runtime at its own Runtime API.</summary>
    internal static Task<int> RunAsync(string[] args, Action<IServiceCollection> configureServices, IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configureServices);
        ArgumentNullException.ThrowIfNull(configuration);

        return RunAsync(configureServices, configuration, PreparedFunction.Begin(SelectedName(configuration)), cancellationToken);
    }

    /// <summary>The function to run: <c>PORTABLE_FUNCTIONS_FUNCTION</c>, else <c>_HANDLER</c> (the only one registered if neither names one).</summary>
    private static string? SelectedName(IConfiguration configuration) =>
        configuration[FunctionVariable] is { Length: > 0 } named ? named : configuration["_HANDLER"];

    private static async Task<int> RunAsync(Action<IServiceCollection> configureServices, IConfiguration configuration, PreparedFunction? prepared,
        CancellationToken cancellationToken)
    {
        try
        {
            return await StartAndServeAsync(configureServices, configuration, prepared, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            prepared?.Start(null); // a start that ended before handing the services over lets the second thread go
        }
    }

    private static async Task<int> StartAndServeAsync(Action<IServiceCollection> configureServices, IConfiguration configuration,
        PreparedFunction? prepared, CancellationToken cancellationToken)
    {
        var runtimeApi = configuration["AWS_LAMBDA_RUNTIME_API"];
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            await Console.Error.WriteLineAsync("AWS_LAMBDA_RUNTIME_API is not set: this program is a Lambda runtime and runs inside Lambda (or the Runtime Interface Emulator).").ConfigureAwait(false);
            return InitFailedExitCode;
        }

        RuntimeApiClient client;
        try
        {
            client = new RuntimeApiClient(runtimeApi);
        }
        catch (FormatException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return InitFailedExitCode;
        }

        using var _ = client;
        client.Preconnect();
        var environment = new LambdaFunctionEnvironment(configuration);
        ServiceProvider? provider = null;
        try
        {
            LambdaRuntime[] loops;
            ILogger logger;
            ILambdaLifecycleHandler[] handlers;
            AwsLambdaFunctionsOptions lambdaOptions;
            FunctionsOptions functionsOptions;
            try
            {
                var services = new ServiceCollection();
                services.AddSingleton(configuration);
                services.AddSingleton(environment);
                services.AddPortableFunctionsAwsLambda();
                configureServices(services);
                AddLambdaLogging(services, configuration);
                prepared?.Start(services);
                provider = services.BuildServiceProvider();

                var catalog = provider.GetRequiredService<FunctionCatalog>();
                var loggerFactory = provider.GetRequiredService<ILoggerFactory>();
                logger = loggerFactory.CreateLogger("Portable.Functions.AwsLambda");
                functionsOptions = provider.GetRequiredService<IOptions<FunctionsOptions>>().Value;
                lambdaOptions = provider.GetRequiredService<IOptions<AwsLambdaFunctionsOptions>>().Value;
                handlers = [.. provider.GetServices<ILambdaLifecycleHandler>()];

                // Deadlines on the interval timer, unless the program brought a clock of its own (a test's fake one).
                var alarm = provider.GetService<TimeProvider>() is { } time && time == TimeProvider.System ? DeadlineAlarm.Shared : null;

                // Then the function, once its JSON metadata, built beside all of the above, is there.
                prepared?.Wait();
                var function = catalog.Select(SelectedName(configuration));
                var dispatcher = new LambdaFunctionDispatcher(function, lambdaOptions, functionsOptions, client);
                var concurrency = MaxConcurrency(configuration["AWS_LAMBDA_MAX_CONCURRENCY"]);
                loops = new LambdaRuntime[concurrency];
                for (var i = 0; i < loops.Length; i++)
                {
                    // With concurrent invocations one process-wide variable cannot hold each one's trace id.
                    loops[i] = new LambdaRuntime(client, dispatcher, environment, logger, setTraceEnvironment: concurrency == 1, alarm, functionsOptions.DeadlineGracePeriod)
                    {
                        PipelineNextRequest = lambdaOptions.PipelineNextRequest,
                    };
                }

                LogStarted(logger, function.Name, concurrency);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"The Lambda runtime could not start: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
                await ReportInitErrorAsync(client, exception, cancellationToken).ConfigureAwait(false);
                return InitFailedExitCode;
            }

            if (string.Equals(environment.InitializationType, "snap-start", StringComparison.OrdinalIgnoreCase))
            {
                var restored = await SnapStartAsync(client, handlers, logger, functionsOptions.IncludeExceptionDetails, cancellationToken).ConfigureAwait(false);
                if (restored is { } exitCode)
                {
                    return exitCode;
                }
            }

            // SIGTERM (sent when an extension is registered) stops taking invocations; the one in flight finishes.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = RegisterSigterm(stopping, logger);
            var result = await RunLoopsAsync(loops, logger, stopping.Token).ConfigureAwait(false);
            await ShutdownAsync(handlers, lambdaOptions.ShutdownTimeout, logger).ConfigureAwait(false);
            return result;
        }
        finally
        {
            if (provider is not null)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RunLoopsAsync(LambdaRuntime[] loops, ILogger logger, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failed = 0;

        async Task RunLoopAsync(LambdaRuntime loop)
        {
            try
            {
                await loop.RunAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                // A 500 from the Runtime API means: exit promptly. Stop every loop.
                if (Interlocked.Exchange(ref failed, 1) == 0)
                {
                    LogRuntimeApiFailed(logger, exception, exception.Message);
                }

                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        if (loops.Length == 1)
        {
            // One loop runs on the calling thread: the first /next does not wait for a thread-pool thread to start.
            await RunLoopAsync(loops[0]).ConfigureAwait(false);
        }
        else
        {
            var tasks = new Task[loops.Length];
            for (var i = 0; i < loops.Length; i++)
            {
                var loop = loops[i];
                tasks[i] = Task.Run(() => RunLoopAsync(loop), CancellationToken.None);
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        return failed == 0 ? 0 : RuntimeApiFailedExitCode;
    }

    private static PosixSignalRegistration? RegisterSigterm(CancellationTokenSource stopping, ILogger logger)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true; // the runtime exits by itself, once the invocation in flight is answered
                LogSigterm(logger);
                stopping.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// SnapStart: the before-snapshot handlers, <c>/runtime/restore/next</c> (which returns once this environment has
    /// been restored), then the after-restore handlers. Returns an exit code when the runtime cannot go on.
    /// </summary>
    private static async Task<int?> SnapStartAsync(RuntimeApiClient client, ILambdaLifecycleHandler[] handlers, ILogger logger, bool includeDetails, CancellationToken cancellationToken)
    {
        var phase = "BeforeSnapshot";
        try
        {
            foreach (var handler in handlers)
            {
                await handler.BeforeSnapshotAsync(cancellationToken).ConfigureAwait(false);
            }

            phase = "Restore";
            await client.RestoreNextAsync(cancellationToken).ConfigureAwait(false);
            LogRestored(logger);
            phase = "AfterRestore";
            foreach (var handler in handlers)
            {
                await handler.AfterRestoreAsync(cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (RuntimeApiException exception) when (phase == "Restore")
        {
            LogRuntimeApiFailed(logger, exception, exception.Message);
            return RuntimeApiFailedExitCode;
        }
        catch (Exception exception)
        {
            LogLifecycleFailed(logger, exception, phase);
            var errorType = $"Runtime.{phase}Error";
            var outcome = LambdaOutcome.FromException(exception, $"A {phase} handler failed; see the function's logs.", includeDetails);
            try
            {
                _ = phase == "AfterRestore"
                    ? await client.PostRestoreErrorAsync(errorType, outcome.ErrorBody, cancellationToken).ConfigureAwait(false)
                    : await client.PostInitErrorAsync(errorType, outcome.ErrorBody, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception reportFailure) when (reportFailure is RuntimeApiException or OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("The error could not be reported: " + reportFailure.Message).ConfigureAwait(false);
            }

            return InitFailedExitCode;
        }
    }

    /// <summary>The shutdown handlers, within the grace period; a failing one is logged and the others still run.</summary>
    private static async Task ShutdownAsync(ILambdaLifecycleHandler[] handlers, TimeSpan timeout, ILogger logger)
    {
        if (handlers.Length == 0)
        {
            return;
        }

        using var grace = new CancellationTokenSource(timeout);
        foreach (var handler in handlers)
        {
            try
            {
                await handler.ShutdownAsync(grace.Token).WaitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                LogLifecycleFailed(logger, exception, "Shutdown");
                if (grace.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    private static async Task ReportInitErrorAsync(RuntimeApiClient client, Exception exception, CancellationToken cancellationToken)
    {
        // A configuration error's message (a missing function, a missing serializer context) is what the operator needs; it holds no secret.
        var outcome = LambdaOutcome.Error(exception.GetType().Name, exception.Message);
        try
        {
            await client.PostInitErrorAsync("Runtime.InitError", outcome.ErrorBody, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception reportFailure) when (reportFailure is RuntimeApiException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("The init error could not be reported: " + reportFailure.Message).ConfigureAwait(false);
        }
    }

    internal static int MaxConcurrency(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency) && concurrency > 1 ? Math.Min(concurrency, 1024) : 1;

    /// <summary>
    /// The runtime's own logger (Lambda's text or JSON format on standard output, <c>AWS_LAMBDA_LOG_LEVEL</c>), unless
    /// the program registered a logger factory itself, for instance with <c>AddLogging</c>.
    /// </summary>
    private static void AddLambdaLogging(IServiceCollection services, IConfiguration configuration)
    {
        var writer = LambdaLogWriter.ForStandardOutput(configuration["AWS_LAMBDA_LOG_FORMAT"], configuration["AWS_LAMBDA_LOG_LEVEL"], TimeProvider.System);
        services.TryAddSingleton<ILoggerFactory>(new LambdaLoggerFactory(writer));
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
    }

    /// <summary>
    /// The selected function's JSON metadata (<see cref="FunctionCatalog.Prepare"/>), built on a second thread: the
    /// largest piece of a cold start's work, and one that needs neither the configuration, the connection nor the service
    /// provider, which the main thread builds meanwhile. The thread starts first thing and, while the main thread reads
    /// the configuration and connects, builds the JSON escaping tables (one class constructor builds the default encoder,
    /// which the program's serializer context needs as soon as it is registered, and the relaxed one the runtime writes
    /// with); then it takes the registered services and builds the metadata. Each thread waits for the other on the
    /// processor for up to a millisecond, yielding it, before it sleeps.
    /// </summary>
    private sealed class PreparedFunction
    {
        /// <summary>How long either thread waits for the other on the processor before it sleeps: 1 ms.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 1000;

        private readonly object _gate = new();
        private readonly string? _name;
        private IServiceCollection? _services;
        private bool _started;
        private bool _done;

        private PreparedFunction(string? name) => _name = name;

        /// <summary>Starts the thread, or returns <see langword="null"/> where no thread of the C library can be started (the main thread then builds everything itself).</summary>
        public static PreparedFunction? Begin(string? name)
        {
            // A thread from the C library: Thread.Start would spin on this thread until the new one runs (see NativeThread).
            var prepared = new PreparedFunction(name);
            return NativeThread.TryStart(prepared.Run) ? prepared : null;
        }

        /// <summary>Hands over the registered services; <see langword="null"/> (a start that failed) lets the thread go. Only the first call counts.</summary>
        public void Start(IServiceCollection? services)
        {
            lock (_gate)
            {
                if (!_started)
                {
                    _services = services;
                    Volatile.Write(ref _started, true);
                    Monitor.PulseAll(_gate);
                }
            }
        }

        /// <summary>Waits until the metadata is built.</summary>
        public void Wait() => Await(ref _done, Stopwatch.GetTimestamp() + SpinTicks);

        private void Run()
        {
            try
            {
                _ = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
                Await(ref _started, Stopwatch.GetTimestamp() + SpinTicks);
                if (_services is { } services)
                {
                    FunctionCatalog.Prepare(services, _name);
                }
            }
            catch (Exception)
            {
                // Whatever went wrong happens again, and is reported, when the main thread selects the function.
            }

            lock (_gate)
            {
                Volatile.Write(ref _done, true);
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>
        /// Waits for <paramref name="flag"/>: on the processor, yielding it, until <paramref name="spinUntil"/> (the other
        /// thread is usually nearly there, and waking a thread that went to sleep measured ~50 µs here), then asleep.
        /// </summary>
        private void Await(ref bool flag, long spinUntil)
        {
            var spinner = default(SpinWait);
            while (!Volatile.Read(ref flag) && Stopwatch.GetTimestamp() < spinUntil)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            lock (_gate)
            {
                while (!flag)
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }

    [LoggerMessage(100, LogLevel.Debug, "Portable.Functions Lambda runtime started: function {FunctionName}, {Concurrency} concurrent invocation(s).")]
    private static partial void LogStarted(ILogger logger, string functionName, int concurrency);

    [LoggerMessage(102, LogLevel.Information, "SIGTERM: the runtime stops taking invocations and shuts down.")]
    private static partial void LogSigterm(ILogger logger);

    [LoggerMessage(103, LogLevel.Information, "The execution environment was restored from its SnapStart snapshot.")]
    private static partial void LogRestored(ILogger logger);

    [LoggerMessage(104, LogLevel.Error, "A {Phase} handler failed.")]
    private static partial void LogLifecycleFailed(ILogger logger, Exception exception, string phase);

    [LoggerMessage(101, LogLevel.Critical, "The Runtime API reported a non-recoverable state; the runtime exits: {Reason}")]
    private static partial void LogRuntimeApiFailed(ILogger logger, Exception exception, string reason);
}
