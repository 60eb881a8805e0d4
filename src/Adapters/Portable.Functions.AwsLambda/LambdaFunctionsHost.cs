using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
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
/// <see cref="IConfiguration"/> or bound options like on any other host (it is registered ahead of the program's services);
/// the core's options bind from the section
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

        var services = RegisterServices(configureServices, out var registrationFailure);

        // The configuration is not read yet: the function's name is taken from the environment, where Lambda sets it. A
        // command line that names another only costs the metadata built for nothing.
        var name = Environment.GetEnvironmentVariable(FunctionVariable) is { Length: > 0 } named ? named : Environment.GetEnvironmentVariable("_HANDLER");
        var prepared = registrationFailure is null ? PreparedFunction.Begin(services, name) : null;
        var configuration = BuildConfiguration(args);
        var client = Connect(configuration, out var error);
        return RunAsync(services, registrationFailure, prepared, configuration, client, error, cancellationToken);
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

        var client = Connect(configuration, out var error);
        var services = RegisterServices(configureServices, out var registrationFailure);
        var prepared = registrationFailure is null ? PreparedFunction.Begin(services, SelectedName(configuration)) : null;
        return RunAsync(services, registrationFailure, prepared, configuration, client, error, cancellationToken);
    }

    /// <summary>The function to run: <c>PORTABLE_FUNCTIONS_FUNCTION</c>, else <c>_HANDLER</c> (the only one registered if neither names one).</summary>
    private static string? SelectedName(IConfiguration configuration) =>
        configuration[FunctionVariable] is { Length: > 0 } named ? named : configuration["_HANDLER"];

    /// <summary>
    /// A client of the configured Runtime API, its first connection opening (a failure to connect surfaces on the first
    /// request); or, when <c>AWS_LAMBDA_RUNTIME_API</c> is missing or not a host and port, <see langword="null"/> and why.
    /// </summary>
    private static RuntimeApiClient? Connect(IConfiguration configuration, out string? error)
    {
        var runtimeApi = configuration["AWS_LAMBDA_RUNTIME_API"];
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            error = "AWS_LAMBDA_RUNTIME_API is not set: this program is a Lambda runtime and runs inside Lambda (or the Runtime Interface Emulator).";
            return null;
        }

        RuntimeApiClient client;
        try
        {
            client = new RuntimeApiClient(runtimeApi);
        }
        catch (FormatException exception)
        {
            error = exception.Message;
            return null;
        }

        client.Preconnect();
        error = null;
        return client;
    }

    /// <summary>
    /// The adapter's services and the program's. A failure is kept for the start to report as an init error (to
    /// <c>/runtime/init/error</c>), once the Runtime API can be told.
    /// </summary>
    private static ServiceCollection RegisterServices(Action<IServiceCollection> configureServices, out ExceptionDispatchInfo? failure)
    {
        var services = new ServiceCollection();
        try
        {
            services.AddPortableFunctionsAwsLambda();
            configureServices(services);
            failure = null;
        }
        catch (Exception exception)
        {
            failure = ExceptionDispatchInfo.Capture(exception);
        }

        return services;
    }

    private static async Task<int> RunAsync(ServiceCollection services, ExceptionDispatchInfo? registrationFailure, PreparedFunction? prepared,
        IConfiguration configuration, RuntimeApiClient? connectedClient, string? error, CancellationToken cancellationToken)
    {
        if (connectedClient is not { } client)
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            return InitFailedExitCode;
        }

        using var _ = client;
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
                registrationFailure?.Throw();

                // First, as if registered before the program's services: a program's own registration still wins.
                services.Insert(0, new ServiceDescriptor(typeof(IConfiguration), configuration));
                services.Insert(1, new ServiceDescriptor(typeof(LambdaFunctionEnvironment), environment));
                AddLambdaLogging(services, configuration);
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
                    loops[i] = new LambdaRuntime(client, dispatcher, environment, logger, setTraceEnvironment: concurrency == 1, alarm, functionsOptions.DeadlineGracePeriod);
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
    /// The selected function's JSON metadata (<see cref="FunctionCatalog.Prepare"/>), built on a thread of its own while
    /// the main thread reads the configuration, connects to the Runtime API and builds the services: the largest piece
    /// of a cold start's work, and one that needs none of them.
    /// </summary>
    private sealed class PreparedFunction
    {
        private readonly object _gate = new();
        private readonly IServiceCollection _services;
        private readonly string? _name;
        private bool _done;

        private PreparedFunction(IServiceCollection services, string? name)
        {
            _services = services;
            _name = name;
        }

        /// <summary>Starts building, or returns <see langword="null"/> where no thread of the C library can be started (the main thread then builds it when it selects the function).</summary>
        public static PreparedFunction? Begin(IServiceCollection services, string? name)
        {
            // A thread from the C library: Thread.Start would spin on this thread until the new one runs (see NativeThread).
            var prepared = new PreparedFunction(services, name);
            return NativeThread.TryStart(prepared.Run) ? prepared : null;
        }

        private void Run()
        {
            try
            {
                FunctionCatalog.Prepare(_services, _name);
            }
            catch (Exception)
            {
                // Whatever went wrong happens again, and is reported, when the main thread selects the function.
            }

            lock (_gate)
            {
                _done = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>
        /// Waits until the metadata is built: a while on the processor first, yielding it (the other thread is usually
        /// done or nearly so, and waking a thread that went to sleep measured ~50 µs), then asleep.
        /// </summary>
        public void Wait()
        {
            var spinner = default(SpinWait);
            for (var i = 0; i < 64 && !Volatile.Read(ref _done); i++)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            lock (_gate)
            {
                while (!_done)
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
