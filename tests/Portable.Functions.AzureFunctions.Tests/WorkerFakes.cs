using System.Collections;
using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// The worker's side of an invocation, as the isolated worker builds it: a service provider registered as Program.cs
/// registers it (the worker's JSON serializer included), one scope per invocation as <c>InstanceServices</c>, and the
/// worker's abstract context types filled the way the worker fills them from an <c>InvocationRequest</c>.
/// </summary>
internal sealed class TestWorker : IAsyncDisposable
{
    private readonly ServiceProvider _root;

    public TestWorker(Action<IServiceCollection> configureServices, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer());
        configureServices(services);
        _root = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public IServiceProvider Services => _root;

    public TestLoggerProvider Logs { get; } = new();

    /// <summary>A new invocation context, with its own scope as <c>InstanceServices</c>.</summary>
    public TestFunctionContext NewContext(string functionName, IReadOnlyDictionary<string, object?>? bindingData = null, string? traceParent = null, CancellationToken cancellationToken = default) =>
        new(functionName, _root.CreateScope().ServiceProvider, bindingData ?? new Dictionary<string, object?>(), traceParent, cancellationToken);

    public ValueTask DisposeAsync() => _root.DisposeAsync();
}

internal sealed class TestFunctionContext : WorkerContext
{
    public TestFunctionContext(string functionName, IServiceProvider services, IReadOnlyDictionary<string, object?> bindingData, string? traceParent, CancellationToken cancellationToken)
    {
        InvocationId = Guid.NewGuid().ToString();
        FunctionId = functionName + "-id";
        InstanceServices = services;
        BindingContext = new TestBindingContext(bindingData);
        TraceContext = new TestTraceContext(traceParent ?? string.Empty, string.Empty);
        RetryContext = new TestRetryContext(2, 5);
        FunctionDefinition = new TestFunctionDefinition(functionName);
        CancellationToken = cancellationToken;
    }

    public override string InvocationId { get; }

    public override string FunctionId { get; }

    public override TraceContext TraceContext { get; }

    public override BindingContext BindingContext { get; }

    public override RetryContext RetryContext { get; }

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition { get; }

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features { get; } = new TestFeatures();

    public override CancellationToken CancellationToken { get; }
}

internal sealed class TestBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
{
    public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
}

internal sealed class TestTraceContext(string traceParent, string traceState) : TraceContext
{
    public override string TraceParent { get; } = traceParent;

    public override string TraceState { get; } = traceState;
}

internal sealed class TestRetryContext(int retryCount, int maxRetryCount) : RetryContext
{
    public override int RetryCount { get; } = retryCount;

    public override int MaxRetryCount { get; } = maxRetryCount;
}

internal sealed class TestFunctionDefinition(string name) : FunctionDefinition
{
    public override ImmutableArray<FunctionParameter> Parameters => [];

    public override string PathToAssembly => "Test.dll";

    public override string EntryPoint => "Portable.Functions.AzureFunctions.Generated.PortableFunctionEntryPoints.Run";

    public override string Id => name + "-id";

    public override string Name => name;

    public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

    public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
}

internal sealed class TestFeatures : IInvocationFeatures
{
    private readonly Dictionary<Type, object> _features = [];

    public T? Get<T>() => _features.TryGetValue(typeof(T), out var feature) ? (T)feature : default;

    public void Set<T>(T instance) => _features[typeof(T)] = instance!;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The built-in model's request, as the worker builds it from <c>RpcHttp</c>.</summary>
internal sealed class TestHttpRequestData : HttpRequestData
{
    public TestHttpRequestData(WorkerContext context, string method, Uri url, byte[] body, IEnumerable<KeyValuePair<string, string>> headers, IReadOnlyCollection<IHttpCookie>? cookies = null)
        : base(context)
    {
        Method = method;
        Url = url;
        Body = new MemoryStream(body);
        Headers = new HttpHeadersCollection(headers);
        Cookies = cookies ?? [];
    }

    public override Stream Body { get; }

    public override HttpHeadersCollection Headers { get; }

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; }

    public override Uri Url { get; }

    public override IEnumerable<ClaimsIdentity> Identities => [];

    public override string Method { get; }

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

internal sealed class TestHttpResponseData(WorkerContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies { get; } = new TestHttpCookies();

    public string BodyText => System.Text.Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());
}

internal sealed class TestHttpCookies : HttpCookies
{
    public List<IHttpCookie> All { get; } = [];

    public override void Append(string name, string value) => All.Add(new HttpCookie(name, value));

    public override void Append(IHttpCookie cookie) => All.Add(cookie);

    public override IHttpCookie CreateNew() => new HttpCookie(string.Empty, string.Empty);
}

/// <summary>Captures log entries with their scope values, for assertions.</summary>
internal sealed class TestLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public List<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider.Entries)
            {
                provider.Entries.Add((category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
