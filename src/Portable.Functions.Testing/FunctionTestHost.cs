using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Portable.Functions.Testing;

/// <summary>
/// An in-memory host for unit tests of functions: functions are registered exactly as in production and invoked
/// through the same invoker every adapter uses — binding, middleware, errors and tracing included — without a
/// server or a cloud. Time is a <see cref="FakeTimeProvider"/> that the test moves forward.
/// </summary>
/// <example>
/// <code>
/// await using var host = FunctionTestHost.Create(services => services.AddGreeterFunctions());
/// var result = await host.InvokeAsync&lt;GreetRequest, GreetResponse&gt;("greet", new GreetRequest("Ada"));
/// Assert.Equal("Hello, Ada!", result.Value!.Message);
/// </code>
/// </example>
public sealed class FunctionTestHost : IAsyncDisposable, IDisposable
{
    /// <summary>The instant the host's clock starts at unless the test chooses another.</summary>
    public static readonly DateTimeOffset DefaultStartTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly CapturingLoggerProvider _logs;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _activities = new();

    private FunctionTestHost(ServiceProvider services, CapturingLoggerProvider logs, FakeTimeProvider time)
    {
        _services = services;
        _logs = logs;
        Time = time;
        Catalog = services.GetRequiredService<FunctionCatalog>();
        _ = Catalog.Functions; // every invoker built now, as a host that serves them all does: a misconfigured function fails here
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == FunctionTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets the clock every function of this host sees; advance it to reach deadlines.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>Gets the root service provider.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Gets the registered functions.</summary>
    public FunctionCatalog Catalog { get; }

    /// <summary>Gets every log entry written so far, by any invocation.</summary>
    public IReadOnlyList<CapturedLogEntry> Logs => _logs.Entries;

    /// <summary>Creates a host.</summary>
    /// <param name="configureServices">Registers the functions, as the production entry point does (for instance <c>services.AddMyFunctions()</c>), and any test doubles.</param>
    /// <param name="startTime">The instant the clock starts at; <see cref="DefaultStartTime"/> when <see langword="null"/>.</param>
    /// <returns>The host.</returns>
    /// <exception cref="InvalidOperationException">A function's types are not known to any registered serializer context.</exception>
    public static FunctionTestHost Create(Action<IServiceCollection> configureServices, DateTimeOffset? startTime = null)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        var logs = new CapturingLoggerProvider();
        var time = new FakeTimeProvider(startTime ?? DefaultStartTime);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton<TimeProvider>(time);
        services.AddPortableFunctions();
        configureServices(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        return new FunctionTestHost(provider, logs, time);
    }

    /// <summary>Forgets the log entries captured so far.</summary>
    public void ClearLogs() => _logs.Clear();

    /// <summary>Invokes a typed function with a request, as a JSON POST, and deserializes its response.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="functionName">The function's name.</param>
    /// <param name="request">The request.</param>
    /// <param name="options">The invocation's id, deadline and trace parent.</param>
    /// <param name="cancellationToken">Cancels the invocation as a caller that goes away would.</param>
    /// <returns>The response or problem, with the invocation's logs and activity.</returns>
    /// <exception cref="InvalidOperationException">No typed function has that name.</exception>
    public async Task<FunctionTestResult<TResponse>> InvokeAsync<TRequest, TResponse>(string functionName, TRequest request, TestInvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var function = Find(functionName, FunctionKind.Typed);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, Catalog.GetJsonTypeInfo<TRequest>());
        var httpRequest = new FunctionHttpRequest
        {
            Method = "POST",
            Path = "/" + function.Name,
            Headers = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            Body = body,
        };
        var invocation = CreateInvocation(options);
        var result = await function.InvokeHttpAsync(httpRequest, invocation, cancellationToken).ConfigureAwait(false);
        return new FunctionTestResult<TResponse>(result, LogsOf(result.InvocationId), ActivityOf(result.InvocationId), Catalog.GetJsonTypeInfo<TResponse>());
    }

    /// <summary>
    /// Invokes a function with an HTTP request, as every HTTP host does: typed functions take a JSON <c>POST</c>, HTTP
    /// functions anything, event functions a <c>POST</c> whose body becomes the event's data.
    /// </summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="request">The request.</param>
    /// <param name="options">The invocation's id, deadline and trace parent.</param>
    /// <param name="cancellationToken">Cancels the invocation as a caller that goes away would.</param>
    /// <returns>The response, with the invocation's logs and activity.</returns>
    /// <exception cref="InvalidOperationException">No function has that name.</exception>
    public async Task<FunctionHttpTestResult> InvokeHttpAsync(string functionName, FunctionHttpRequest request, TestInvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var function = Find(functionName, null);
        var result = await function.InvokeHttpAsync(request, CreateInvocation(options), cancellationToken).ConfigureAwait(false);
        return new FunctionHttpTestResult(result, LogsOf(result.InvocationId), ActivityOf(result.InvocationId));
    }

    /// <summary>Invokes an event function with data, serialized as JSON through the registered serializer contexts.</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    /// <param name="functionName">The function's name.</param>
    /// <param name="data">The event data.</param>
    /// <param name="type">The CloudEvents <c>type</c>.</param>
    /// <param name="source">The CloudEvents <c>source</c>.</param>
    /// <param name="options">The invocation's id, deadline and trace parent.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the invocation's logs and activity.</returns>
    /// <exception cref="InvalidOperationException">No event function has that name.</exception>
    public Task<FunctionEventTestResult> InvokeEventAsync<TData>(string functionName, TData data, string type = "test.event", string source = "/tests", TestInvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Find(functionName, FunctionKind.Event);
        var envelope = new FunctionEventEnvelope
        {
            Id = Guid.NewGuid().ToString(),
            Source = source,
            Type = type,
            Time = Time.GetUtcNow(),
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToUtf8Bytes(data, Catalog.GetJsonTypeInfo<TData>()),
        };
        return InvokeEventEnvelopeAsync(functionName, envelope, options, cancellationToken);
    }

    /// <summary>Invokes an event function with an event exactly as an adapter would pass it.</summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="envelope">The event with its undecoded data.</param>
    /// <param name="options">The invocation's id, deadline and trace parent.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the invocation's logs and activity.</returns>
    /// <exception cref="InvalidOperationException">No event function has that name.</exception>
    public async Task<FunctionEventTestResult> InvokeEventEnvelopeAsync(string functionName, FunctionEventEnvelope envelope, TestInvocationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var function = Find(functionName, FunctionKind.Event);
        var result = await function.InvokeEventAsync(envelope, CreateInvocation(options), cancellationToken).ConfigureAwait(false);
        return new FunctionEventTestResult(result, LogsOf(result.InvocationId), ActivityOf(result.InvocationId));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        return _services.DisposeAsync();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private FunctionInvoker Find(string functionName, FunctionKind? kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        if (!Catalog.TryGet(functionName, out var function))
        {
            throw new InvalidOperationException($"No function is named '{functionName}'.");
        }

        if (kind is not null && function.Kind != kind)
        {
            throw new InvalidOperationException($"Function '{functionName}' is a {function.Kind} function, not a {kind} function.");
        }

        return function;
    }

    private static FunctionInvocation CreateInvocation(TestInvocationOptions? options) => new()
    {
        InvocationId = options?.InvocationId ?? Guid.NewGuid().ToString(),
        Deadline = options?.Deadline,
        TraceParent = options?.TraceParent,
        TraceState = options?.TraceState,
        Provider = options?.Provider ?? FunctionProvider.Local,
        PlatformCancellationToken = options?.PlatformCancellationToken ?? default,
    };

    private List<CapturedLogEntry> LogsOf(string invocationId)
    {
        var entries = new List<CapturedLogEntry>();
        foreach (var entry in _logs.Entries)
        {
            if (entry.InvocationId == invocationId)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private Activity? ActivityOf(string invocationId)
    {
        foreach (var activity in _activities)
        {
            if (activity.GetTagItem("faas.invocation_id") as string == invocationId)
            {
                return activity;
            }
        }

        return null;
    }
}
