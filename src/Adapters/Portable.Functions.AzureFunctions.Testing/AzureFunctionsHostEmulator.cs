using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>
/// A local Azure Functions host for tests: starts a built .NET isolated-worker app as the Functions host does
/// (<c>dotnet App.dll --functions-uri … --functions-worker-id …</c>), serves the worker's gRPC
/// <c>FunctionRpc.EventStream</c>, initializes it, indexes and loads its functions, and invokes them with the input
/// and trigger metadata the host sends for HTTP, queue and timer triggers — or anything else, given raw.
/// </summary>
/// <remarks>
/// The emulator only delivers invocations: it polls no queue, runs no schedule, scales nothing, and calls no
/// binding's external service. Invocations may run concurrently. Disposing sends <c>WorkerTerminate</c> and kills
/// the worker's process tree when it does not exit within <see cref="AzureFunctionsHostEmulatorOptions.ShutdownGracePeriod"/>.
/// </remarks>
/// <example>
/// <code>
/// await using var host = await AzureFunctionsHostEmulator.StartAsync(new() { ApplicationPath = "bin/Debug/net10.0/MyApp.dll" });
/// var http = await host.InvokeHttpAsync("Greet", new HttpRequestMessage(HttpMethod.Get, "/api/greet/Ada"));
/// var queue = await host.InvokeQueueAsync("ProcessOrder", new QueueTriggerMessage("{\"id\":1}"));
/// </code>
/// </example>
public sealed class AzureFunctionsHostEmulator : IAsyncDisposable
{
    private const string HttpUriCapability = "HttpUri";

    private readonly AzureFunctionsHostEmulatorOptions _options;
    private readonly RpcServer _server;
    private readonly WorkerConnection _connection;
    private readonly WorkerProcess _process;
    private readonly Lazy<HttpClient> _proxyClient = new(CreateProxyClient);
    private IReadOnlyList<EmulatedFunction> _functions = [];
    private Dictionary<string, string> _capabilities = new(StringComparer.Ordinal);
    private int _disposed;

    private AzureFunctionsHostEmulator(AzureFunctionsHostEmulatorOptions options, RpcServer server, WorkerConnection connection, WorkerProcess process, string workerId)
    {
        _options = options;
        _server = server;
        _connection = connection;
        _process = process;
        WorkerId = workerId;
    }

    /// <summary>Gets the functions the worker indexed, in its order.</summary>
    public IReadOnlyList<EmulatedFunction> Functions => _functions;

    /// <summary>Gets the capabilities the worker advertised in <c>WorkerInitResponse</c>.</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities => _capabilities;

    /// <summary>Gets the worker's own HTTP address (capability <c>HttpUri</c>, ASP.NET Core integration), or <see langword="null"/>.</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>Gets the worker's version from <c>WorkerInitResponse</c>.</summary>
    public string WorkerVersion { get; private set; } = string.Empty;

    /// <summary>Gets the worker id the emulator started the worker with.</summary>
    public string WorkerId { get; }

    /// <summary>Gets the address of the emulator's gRPC server.</summary>
    public Uri RpcAddress => _server.Address;

    /// <summary>Gets the worker process's id.</summary>
    public int WorkerProcessId => _process.Id;

    /// <summary>Gets a value indicating whether the worker process has exited.</summary>
    public bool HasWorkerExited => _process.HasExited;

    /// <summary>Gets the worker process's exit code once it has exited.</summary>
    public int? WorkerExitCode => _process.Exited.IsCompletedSuccessfully ? _process.Exited.Result : null;

    /// <summary>Gets the worker's console output so far (its last 64 KB, standard output and error interleaved).</summary>
    public string WorkerOutput => _process.Output;

    /// <summary>Gets every log entry the worker sent so far, of every invocation and of the worker itself.</summary>
    public IReadOnlyList<WorkerLogEntry> Logs => _connection.Logs;

    /// <summary>
    /// Starts the worker app as the host does, waits for its <c>StartStream</c>, and sends <c>WorkerInitRequest</c>,
    /// <c>FunctionsMetadataRequest</c> and one <c>FunctionLoadRequest</c> per function.
    /// </summary>
    /// <param name="options">What to start and how.</param>
    /// <param name="cancellationToken">Cancels the start; the worker is then stopped.</param>
    /// <returns>The started emulator; dispose it to stop the worker.</returns>
    /// <exception cref="ArgumentException">The options name no application.</exception>
    /// <exception cref="FileNotFoundException">The application does not exist.</exception>
    /// <exception cref="InvalidOperationException">The worker exited, failed to initialize, or failed to index its functions; the message carries its output.</exception>
    /// <exception cref="TimeoutException">The worker did not connect, initialize or load within <see cref="AzureFunctionsHostEmulatorOptions.StartupTimeout"/>.</exception>
    public static async Task<AzureFunctionsHostEmulator> StartAsync(AzureFunctionsHostEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApplicationPath, nameof(options));
        if (options.HostBaseAddress is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("HostBaseAddress must be an absolute URI.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));

        var workerId = Guid.NewGuid().ToString();
        var connection = new WorkerConnection(workerId);
        var server = await RpcServer.StartAsync(connection, options.GrpcMaxMessageLength, cancellationToken).ConfigureAwait(false);
        WorkerProcess? process = null;
        try
        {
            process = WorkerProcess.Start(options, server.Address, workerId, Guid.NewGuid().ToString());
            var emulator = new AzureFunctionsHostEmulator(options, server, connection, process, workerId);
            await emulator.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return emulator;
        }
        catch
        {
            connection.Complete();
            if (process is not null)
            {
                process.KillTree();
                await ((Task)process.Exited).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                process.Dispose();
            }

            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Finds a function by name (case-insensitive).</summary>
    /// <param name="name">The function's name.</param>
    /// <returns>The function.</returns>
    /// <exception cref="ArgumentException">The worker has no function of that name.</exception>
    public EmulatedFunction GetFunction(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"The worker has no function '{name}'. It has: {string.Join(", ", _functions.Select(f => f.Name))}.", nameof(name));
    }

    /// <summary>
    /// Invokes a function with raw input bindings and trigger metadata, for any trigger (a blob trigger: its content,
    /// and metadata such as <c>BlobTrigger</c>, <c>Uri</c>, <c>Properties</c>, <c>Metadata</c> and <c>name</c>).
    /// </summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="inputData">The input bindings by binding name, the trigger's included.</param>
    /// <param name="triggerMetadata">The trigger metadata (the worker's <c>BindingContext.BindingData</c>).</param>
    /// <param name="options">The invocation's id, trace and retry context, and cancellation.</param>
    /// <param name="cancellationToken">Stops waiting; the emulator then sends <c>InvocationCancel</c>.</param>
    /// <returns>The invocation's outcome.</returns>
    /// <exception cref="ArgumentException">The worker has no such function.</exception>
    /// <exception cref="InvalidOperationException">The function failed to load, or the worker went away.</exception>
    /// <exception cref="TimeoutException">The worker did not answer in time.</exception>
    public Task<InvocationResult> InvokeAsync(
        string functionName,
        IReadOnlyDictionary<string, TypedValue> inputData,
        IReadOnlyDictionary<string, TypedValue>? triggerMetadata = null,
        InvocationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputData);
        var function = GetLoadedFunction(functionName);
        options ??= new InvocationOptions();
        var request = NewRequest(function, options);
        foreach (var (name, value) in inputData)
        {
            SetInput(request, name, RpcMapping.ToTypedData(value));
        }

        foreach (var (name, value) in triggerMetadata ?? new Dictionary<string, TypedValue>())
        {
            request.TriggerMetadata[name] = RpcMapping.ToTypedData(value);
        }

        ApplyOverrides(request, options);
        return RunAsync(function, request, options, beforeSend: null, cancellationToken);
    }

    /// <summary>
    /// Sends an HTTP request to an HTTP-triggered function as the host does. In the built-in model the request
    /// becomes the invocation's <c>RpcHttp</c> input (method, URL, headers, query, route values, raw body) and the
    /// worker's <c>RpcHttp</c> answer the response; when the worker advertises <c>HttpUri</c> (ASP.NET Core
    /// integration) the request itself is proxied to the worker, tagged with <c>x-ms-invocation-id</c>, while the
    /// invocation is in flight.
    /// </summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="request">
    /// The request. A relative URI such as <c>/api/items/42?q=1</c> is taken relative to
    /// <see cref="AzureFunctionsHostEmulatorOptions.HostBaseAddress"/>; with no URI, the function's route (when it
    /// has no parameters) is used. The path must match the function's route; route values come from it.
    /// </param>
    /// <param name="options">The invocation's id, trace and retry context, and cancellation.</param>
    /// <param name="cancellationToken">Stops waiting; the emulator then sends <c>InvocationCancel</c>.</param>
    /// <returns>The HTTP response and the invocation's outcome.</returns>
    /// <exception cref="ArgumentException">The function is not HTTP-triggered, or the request's path or method does not match it.</exception>
    /// <exception cref="InvalidOperationException">The function failed to load, proxying failed, or the worker went away.</exception>
    /// <exception cref="TimeoutException">The worker did not answer in time.</exception>
    public async Task<HttpInvocationResult> InvokeHttpAsync(string functionName, HttpRequestMessage request, InvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var function = GetLoadedFunction(functionName);
        var trigger = RequireTrigger(function, "httpTrigger");
        options ??= new InvocationOptions();
        var http = await HttpTriggerRequest.CreateAsync(request, function, _options, cancellationToken).ConfigureAwait(false);
        var invocation = NewRequest(function, options);
        SetInput(invocation, trigger.Name, new TypedData { Http = http.ToRpcHttp(_capabilities) });
        http.AddTriggerMetadata(invocation.TriggerMetadata);
        ApplyOverrides(invocation, options);

        if (HttpUri is null)
        {
            var result = await RunAsync(function, invocation, options, beforeSend: null, cancellationToken).ConfigureAwait(false);
            return new HttpInvocationResult(ToHostResponse(result), result, proxied: false);
        }

        // As the host does: start forwarding the request to the worker's HTTP server, then send the invocation. When
        // forwarding fails for good, the wait for the invocation ends at once instead of at the worker's own timeout.
        using var forwarding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var forwardingFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<HttpResponseMessage>? response = null;
        InvocationResult outcome;
        try
        {
            outcome = await RunAsync(
                function,
                invocation,
                options,
                () => response = ForwardAsync(http, invocation.InvocationId, forwardingFailed, forwarding.Token),
                forwardingFailed.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await forwarding.CancelAsync().ConfigureAwait(false);
            if (response is not null)
            {
                await ((Task)response).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested && response?.Exception?.InnerException is { } proxyError)
            {
                throw ProxyFailure(invocation.InvocationId, proxyError);
            }

            throw;
        }

        try
        {
            var answer = await response!.WaitAsync(options.Timeout ?? _options.InvocationTimeout, cancellationToken).ConfigureAwait(false);
            return new HttpInvocationResult(answer, outcome, proxied: true);
        }
        catch (TimeoutException)
        {
            await forwarding.CancelAsync().ConfigureAwait(false);
            await ((Task)response!).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new TimeoutException($"The worker answered invocation {invocation.InvocationId} ({outcome.Status}) but not its proxied HTTP request.{OutputSuffix()}");
        }
        catch (HttpRequestException ex)
        {
            throw ProxyFailure(invocation.InvocationId, ex);
        }
    }

    /// <summary>
    /// Delivers a Storage queue message to a queue-triggered function with the trigger metadata the host sends:
    /// <c>QueueTrigger</c>, <c>Id</c> and <c>PopReceipt</c> as strings, <c>DequeueCount</c> as a JSON number, and
    /// <c>InsertionTime</c>, <c>ExpirationTime</c> and <c>NextVisibleTime</c> as JSON dates. The message is a string
    /// input (bytes when the binding's data type is binary), or model binding data when the function binds the SDK's
    /// <c>QueueMessage</c>.
    /// </summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="message">The message.</param>
    /// <param name="options">The invocation's id, trace and retry context, and cancellation.</param>
    /// <param name="cancellationToken">Stops waiting; the emulator then sends <c>InvocationCancel</c>.</param>
    /// <returns>The invocation's outcome.</returns>
    /// <exception cref="ArgumentException">The function is not queue-triggered.</exception>
    /// <exception cref="InvalidOperationException">The function failed to load, or the worker went away.</exception>
    /// <exception cref="TimeoutException">The worker did not answer in time.</exception>
    public Task<InvocationResult> InvokeQueueAsync(string functionName, QueueTriggerMessage message, InvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var function = GetLoadedFunction(functionName);
        var trigger = RequireTrigger(function, "queueTrigger");
        options ??= new InvocationOptions();
        var now = _options.TimeProvider.GetUtcNow();
        var inserted = message.InsertionTime ?? now;
        var expires = message.ExpirationTime ?? inserted.AddDays(7);
        var visible = message.NextVisibleTime ?? now.AddMinutes(10);

        var request = NewRequest(function, options);
        TypedData input;
        if (IsDeferred(trigger))
        {
            var content = JsonObject(writer =>
            {
                writer.WriteString("MessageId", message.Id);
                writer.WriteString("PopReceipt", message.PopReceipt);
                writer.WriteString("MessageText", message.Body);
                writer.WriteNumber("DequeueCount", message.DequeueCount);
                writer.WriteString("NextVisibleOn", RpcMapping.FormatDate(visible));
                writer.WriteString("InsertedOn", RpcMapping.FormatDate(inserted));
                writer.WriteString("ExpiresOn", RpcMapping.FormatDate(expires));
            });
            input = RpcMapping.ToTypedData(TypedValue.FromModelBindingData(new ModelBindingDataValue("AzureStorageQueues", "application/json", content)));
        }
        else
        {
            input = string.Equals(trigger.DataType, "Binary", StringComparison.OrdinalIgnoreCase)
                ? RpcMapping.ToTypedData(TypedValue.FromBytes(Encoding.UTF8.GetBytes(message.Body)))
                : new TypedData { String = message.Body };
        }

        SetInput(request, trigger.Name, input);
        var metadata = request.TriggerMetadata;
        metadata["QueueTrigger"] = new TypedData { String = message.Body };
        metadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        metadata["ExpirationTime"] = RpcMapping.ToTypedData(RpcMapping.JsonDate(expires));
        metadata["Id"] = new TypedData { String = message.Id };
        metadata["InsertionTime"] = RpcMapping.ToTypedData(RpcMapping.JsonDate(inserted));
        metadata["NextVisibleTime"] = RpcMapping.ToTypedData(RpcMapping.JsonDate(visible));
        metadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        ApplyOverrides(request, options);
        return RunAsync(function, request, options, beforeSend: null, cancellationToken);
    }

    /// <summary>
    /// Delivers a timer tick to a timer-triggered function: the <c>TimerInfo</c> JSON the host sends
    /// (<c>Schedule</c>, <c>ScheduleStatus</c> with <c>Last</c>, <c>Next</c> and <c>LastUpdated</c>, <c>IsPastDue</c>)
    /// and the <c>TimerTrigger</c> metadata.
    /// </summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="tick">The tick; an on-time tick without schedule status when <see langword="null"/>.</param>
    /// <param name="options">The invocation's id, trace and retry context, and cancellation.</param>
    /// <param name="cancellationToken">Stops waiting; the emulator then sends <c>InvocationCancel</c>.</param>
    /// <returns>The invocation's outcome.</returns>
    /// <exception cref="ArgumentException">The function is not timer-triggered.</exception>
    /// <exception cref="InvalidOperationException">The function failed to load, or the worker went away.</exception>
    /// <exception cref="TimeoutException">The worker did not answer in time.</exception>
    public Task<InvocationResult> InvokeTimerAsync(string functionName, TimerTick? tick = null, InvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var function = GetLoadedFunction(functionName);
        var trigger = RequireTrigger(function, "timerTrigger");
        tick ??= new TimerTick();
        options ??= new InvocationOptions();
        var timerInfo = JsonObject(writer =>
        {
            writer.WriteStartObject("Schedule");
            writer.WriteBoolean("AdjustForDST", tick.AdjustForDst);
            writer.WriteEndObject();
            if (tick.ScheduleStatus is { } status)
            {
                writer.WriteStartObject("ScheduleStatus");
                writer.WriteString("Last", RpcMapping.FormatDate(status.Last));
                writer.WriteString("Next", RpcMapping.FormatDate(status.Next));
                writer.WriteString("LastUpdated", RpcMapping.FormatDate(status.LastUpdated));
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("ScheduleStatus");
            }

            writer.WriteBoolean("IsPastDue", tick.IsPastDue);
        });

        var request = NewRequest(function, options);
        SetInput(request, trigger.Name, new TypedData { Json = Encoding.UTF8.GetString(timerInfo) });
        request.TriggerMetadata["TimerTrigger"] = new TypedData { String = _options.TimeProvider.GetLocalNow().DateTime.ToString(CultureInfo.InvariantCulture) };
        ApplyOverrides(request, options);
        return RunAsync(function, request, options, beforeSend: null, cancellationToken);
    }

    /// <summary>
    /// Stops the worker: sends <c>WorkerTerminate</c>, closes the stream, waits up to
    /// <see cref="AzureFunctionsHostEmulatorOptions.ShutdownGracePeriod"/> for the process to exit, then kills its
    /// process tree; then stops the gRPC server.
    /// </summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        TrySend(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.ShutdownGracePeriod) } });
        _connection.Complete();
        await ((Task)_process.Exited).WaitAsync(_options.ShutdownGracePeriod, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_process.HasExited)
        {
            _process.KillTree();
            await ((Task)_process.Exited).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _process.Dispose();
        if (_proxyClient.IsValueCreated)
        {
            _proxyClient.Value.Dispose();
        }

        await _server.DisposeAsync().ConfigureAwait(false);
    }

    private static HttpClient CreateProxyClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static bool IsDeferred(FunctionBindingInfo binding) =>
        binding.Properties.TryGetValue("supportsDeferredBinding", out var value) && bool.TryParse(value, out var deferred) && deferred;

    private static FunctionBindingInfo RequireTrigger(EmulatedFunction function, string type)
    {
        if (function.Trigger is { } trigger && string.Equals(trigger.Type, type, StringComparison.OrdinalIgnoreCase))
        {
            return trigger;
        }

        throw new ArgumentException($"Function '{function.Name}' is triggered by '{function.TriggerType ?? "nothing"}', not '{type}'.", nameof(function));
    }

    private static void SetInput(InvocationRequest request, string name, TypedData data)
    {
        var existing = request.InputData.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.Ordinal));
        if (existing is null)
        {
            request.InputData.Add(new ParameterBinding { Name = name, Data = data });
        }
        else
        {
            existing.Data = data;
        }
    }

    private static void ApplyOverrides(InvocationRequest request, InvocationOptions options)
    {
        foreach (var (name, value) in options.InputData)
        {
            SetInput(request, name, RpcMapping.ToTypedData(value));
        }

        foreach (var (name, value) in options.TriggerMetadata)
        {
            request.TriggerMetadata[name] = RpcMapping.ToTypedData(value);
        }
    }

    private static byte[] JsonObject(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static HttpResponseMessage ToHostResponse(InvocationResult result)
    {
        if (!result.Succeeded)
        {
            // The host turns a failed invocation into a 500 without a body.
            return new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError) { Content = new ByteArrayContent([]) };
        }

        var http = result.ReturnValue?.Value as RpcHttpResponse ?? result.OutputData.Values.Select(v => v.Value).OfType<RpcHttpResponse>().FirstOrDefault();

        // A function that set no response gets the host's 200 without a body.
        return http is null ? new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([]) } : RpcMapping.ToResponseMessage(http);
    }

    /// <summary>
    /// Sends the request to the worker's HTTP server and buffers its answer. Like the host's proxy, a request that
    /// cannot be sent (the worker's server is not listening yet) is tried again: up to 10 attempts, 50 ms apart at
    /// first, doubling up to 250 ms.
    /// </summary>
    private async Task<HttpResponseMessage> ForwardAsync(HttpTriggerRequest http, string invocationId, CancellationTokenSource onFailure, CancellationToken cancellationToken)
    {
        const int maxAttempts = 10;
        var delay = TimeSpan.FromMilliseconds(50);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = http.ToProxiedRequest(HttpUri!, invocationId);
                try
                {
                    using var response = await _proxyClient.Value.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                    var copy = new HttpResponseMessage(response.StatusCode) { Content = new ByteArrayContent(body), ReasonPhrase = response.ReasonPhrase, Version = response.Version };
                    foreach (var (name, values) in response.Headers)
                    {
                        copy.Headers.TryAddWithoutValidation(name, values);
                    }

                    foreach (var (name, values) in response.Content.Headers)
                    {
                        copy.Content.Headers.TryAddWithoutValidation(name, values);
                    }

                    return copy;
                }
                catch (HttpRequestException) when (attempt < maxAttempts && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await onFailure.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private InvalidOperationException ProxyFailure(string invocationId, Exception error) =>
        new($"Proxying the request of invocation {invocationId} to the worker's {HttpUri} failed: {error.Message}{OutputSuffix()}", error);

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan Remaining() => _options.StartupTimeout - clock.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero;
        var directory = _process.ApplicationDirectory;

        await AwaitStartupAsync(_connection.Connected, "connecting", Remaining(), cancellationToken).ConfigureAwait(false);

        var init = new WorkerInitRequest { HostVersion = _options.HostVersion, WorkerDirectory = directory, FunctionAppDirectory = directory };
        init.Capabilities.Add(_options.HostCapabilities);
        var initAnswer = await AwaitStartupAsync(
            _connection.RequestAsync(new StreamingMessage { WorkerInitRequest = init }, Remaining(), cancellationToken), "initializing", Remaining(), cancellationToken).ConfigureAwait(false);
        var initResponse = initAnswer.WorkerInitResponse
            ?? throw new InvalidOperationException($"The worker answered WorkerInitRequest with {initAnswer.ContentCase}.{OutputSuffix()}");
        if (initResponse.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed to initialize: {initResponse.Result?.Exception?.Message}{OutputSuffix()}");
        }

        _capabilities = new Dictionary<string, string>(initResponse.Capabilities, StringComparer.Ordinal);
        WorkerVersion = initResponse.WorkerMetadata?.WorkerVersion is { Length: > 0 } version ? version : initResponse.WorkerVersion;
        if (_capabilities.TryGetValue(HttpUriCapability, out var httpUri) && Uri.TryCreate(httpUri, UriKind.Absolute, out var uri))
        {
            HttpUri = uri;
        }

        var metadataAnswer = await AwaitStartupAsync(
            _connection.RequestAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = directory } }, Remaining(), cancellationToken),
            "indexing its functions",
            Remaining(),
            cancellationToken).ConfigureAwait(false);
        var metadata = metadataAnswer.FunctionMetadataResponse
            ?? throw new InvalidOperationException($"The worker answered FunctionsMetadataRequest with {metadataAnswer.ContentCase}.{OutputSuffix()}");
        if (metadata.Result is { Status: not StatusResult.Types.Status.Success } failed)
        {
            throw new InvalidOperationException($"The worker failed to index its functions: {failed.Exception?.Message}{OutputSuffix()}");
        }

        var functions = metadata.UseDefaultMetadataIndexing
            ? FunctionsMetadataFile.Read(directory)
            : [.. metadata.FunctionMetadataResults.Select(FromRpc)];

        var loads = functions.Where(f => f.LoadError is null).Select(async function =>
        {
            var load = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = ToLoadMetadata(function) };
            var answer = await _connection.RequestAsync(new StreamingMessage { FunctionLoadRequest = load }, Remaining(), cancellationToken).ConfigureAwait(false);
            if (answer.FunctionLoadResponse?.Result is not { Status: StatusResult.Types.Status.Success })
            {
                function.LoadError = answer.FunctionLoadResponse?.Result?.Exception?.Message ?? $"The worker answered FunctionLoadRequest with {answer.ContentCase}.";
            }
        });
        await AwaitStartupAsync(Task.WhenAll(loads), "loading its functions", Remaining(), cancellationToken).ConfigureAwait(false);
        _functions = functions;
    }

    /// <summary>Waits for a step of the start, failing early with the worker's output when it exits or runs out of time.</summary>
    private async Task AwaitStartupAsync(Task step, string doing, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var finished = await Task.WhenAny(step, _process.Exited, Task.Delay(timeout, delay.Token)).ConfigureAwait(false);
        await delay.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (finished == step && step.IsCompletedSuccessfully)
        {
            return;
        }

        if (finished == step)
        {
            // The stream broke: most often because the process is exiting; say so when it does.
            await ((Task)_process.Exited).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!_process.HasExited)
            {
                throw new InvalidOperationException($"The worker failed while {doing}: {step.Exception?.InnerException?.Message}{OutputSuffix()}", step.Exception?.InnerException);
            }
        }

        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The worker exited with code {_process.Exited.Result} while {doing}.{OutputSuffix()}");
        }

        throw new TimeoutException($"The worker did not finish {doing} within {_options.StartupTimeout}.{OutputSuffix()}");
    }

    private async Task<T> AwaitStartupAsync<T>(Task<T> step, string doing, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await AwaitStartupAsync((Task)step, doing, timeout, cancellationToken).ConfigureAwait(false);
        return await step.ConfigureAwait(false);
    }

    private static EmulatedFunction FromRpc(RpcFunctionMetadata metadata)
    {
        var function = new EmulatedFunction(
            metadata.Name,
            string.IsNullOrEmpty(metadata.FunctionId) ? Guid.NewGuid().ToString() : metadata.FunctionId,
            metadata.ScriptFile,
            metadata.EntryPoint,
            metadata.Directory,
            metadata.Language,
            [.. metadata.RawBindings],
            new Dictionary<string, string>(metadata.Properties, StringComparer.OrdinalIgnoreCase),
            metadata.RetryOptions?.MaxRetryCount);
        if (metadata.Status is { Status: StatusResult.Types.Status.Failure } status)
        {
            function.LoadError = status.Exception?.Message ?? "The worker failed to index the function.";
        }

        return function;
    }

    /// <summary>The metadata the host sends in <c>FunctionLoadRequest</c>: name, files, entry point, and each binding's type, direction and data type.</summary>
    private static RpcFunctionMetadata ToLoadMetadata(EmulatedFunction function)
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = function.Name,
            FunctionId = function.FunctionId,
            Directory = function.Directory,
            ScriptFile = function.ScriptFile,
            EntryPoint = function.EntryPoint,
            Language = function.Language,
        };
        foreach (var binding in function.Bindings)
        {
            metadata.Bindings[binding.Name] = new BindingInfo
            {
                Type = binding.Type,
                Direction = binding.Direction switch
                {
                    BindingDirection.Out => BindingInfo.Types.Direction.Out,
                    BindingDirection.InOut => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
                DataType = binding.DataType?.ToUpperInvariant() switch
                {
                    "STRING" => BindingInfo.Types.DataType.String,
                    "BINARY" => BindingInfo.Types.DataType.Binary,
                    "STREAM" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                },
            };
        }

        return metadata;
    }

    private EmulatedFunction GetLoadedFunction(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        var function = GetFunction(name);
        return function.LoadError is null
            ? function
            : throw new InvalidOperationException($"The worker failed to load function '{function.Name}': {function.LoadError}");
    }

    private static InvocationRequest NewRequest(EmulatedFunction function, InvocationOptions options)
    {
        var request = new InvocationRequest
        {
            InvocationId = options.InvocationId ?? Guid.NewGuid().ToString(),
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext
            {
                TraceParent = options.TraceParent ?? $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01",
                TraceState = options.TraceState ?? string.Empty,
            },
        };
        request.TraceContext.Attributes.Add(options.TraceAttributes);
        if (options.RetryCount is not null || function.MaxRetryCount is not null)
        {
            request.RetryContext = new RetryContext
            {
                RetryCount = options.RetryCount ?? 0,
                MaxRetryCount = options.MaxRetryCount ?? function.MaxRetryCount ?? 0,
            };
        }

        return request;
    }

    private async Task<InvocationResult> RunAsync(EmulatedFunction function, InvocationRequest request, InvocationOptions options, Action? beforeSend, CancellationToken cancellationToken)
    {
        var id = request.InvocationId;
        var pending = _connection.Register(id);
        try
        {
            beforeSend?.Invoke();
            _connection.Send(new StreamingMessage { InvocationRequest = request });
            using var cancelAfter = options.CancelAfter is { } delay ? new CancellationTokenSource(delay) : null;
            using var afterRegistration = cancelAfter?.Token.Register(() => SendCancel(id));
            using var onRegistration = options.CancelOn.Register(() => SendCancel(id));
            var timeout = options.Timeout ?? _options.InvocationTimeout;
            InvocationResponse response;
            try
            {
                response = await pending.Response.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                SendCancel(id);
                throw new TimeoutException($"The worker did not answer invocation {id} of '{function.Name}' within {timeout}.{OutputSuffix()}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                SendCancel(id);
                throw;
            }
            catch (IOException ex)
            {
                throw new InvalidOperationException($"The worker went away during invocation {id} of '{function.Name}'.{OutputSuffix()}", ex);
            }

            var outputs = new Dictionary<string, TypedValue>(StringComparer.Ordinal);
            foreach (var binding in response.OutputData)
            {
                outputs[binding.Name] = binding.Data is null ? TypedValue.None : RpcMapping.ToTypedValue(binding.Data);
            }

            var returnValue = response.ReturnValue is { DataCase: not TypedData.DataOneofCase.None } value ? RpcMapping.ToTypedValue(value) : null;
            return new InvocationResult(
                function.Name,
                id,
                request.TraceContext.TraceParent,
                RpcMapping.ToStatus(response.Result),
                RpcMapping.ToError(response.Result?.Exception),
                returnValue,
                outputs,
                pending.Logs);
        }
        finally
        {
            _connection.Unregister(id);
        }
    }

    private void SendCancel(string invocationId) => TrySend(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } });

    private void TrySend(StreamingMessage message)
    {
        try
        {
            _connection.Send(message);
        }
        catch (InvalidOperationException)
        {
            // The stream is closed: nothing to tell the worker any more.
        }
    }

    private string OutputSuffix()
    {
        var output = _process.Output;
        return output.Length == 0 ? " The worker wrote nothing to its console." : Environment.NewLine + "Worker output:" + Environment.NewLine + output;
    }
}
