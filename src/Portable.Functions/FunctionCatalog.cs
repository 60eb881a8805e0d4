using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portable.Functions;

/// <summary>
/// The registered functions of a deployable, each with an invoker built once. Adapters select functions here and call
/// their <see cref="FunctionInvoker"/>; they never bind, serialize, run middleware or trace themselves. A host that
/// serves every function builds them all at start-up (<see cref="Functions"/>); a single-function platform builds only
/// the one it runs (<see cref="Select"/>), so that a cold start does not pay for the others.
/// </summary>
public sealed class FunctionCatalog
{
    private readonly FunctionRegistration[] _registrations;
    private readonly FunctionInvoker?[] _built;
    private FunctionInvoker[]? _functions;

    private readonly InvokerServices _shared;
    private readonly ILogger _hostLogger;

    /// <summary>Reads the registrations in <paramref name="services"/> and what their invokers share; each invoker is built on first use.</summary>
    /// <exception cref="OptionsValidationException">The <see cref="FunctionsOptions"/> are not valid.</exception>
    internal FunctionCatalog(IServiceProvider services)
    {
        var registrations = services.GetRequiredService<FunctionRegistrations>();
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var shared = new InvokerServices(
            services.GetRequiredService<IServiceScopeFactory>(),
            loggerFactory,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<FunctionsOptions>>().Value,
            registrations.Json,
            registrations.Middleware.ToArray());
        _shared = shared;
        _hostLogger = loggerFactory.CreateLogger("Portable.Functions.Host");

        _registrations = [.. registrations.Functions];
        _built = new FunctionInvoker?[_registrations.Length];
    }

    /// <summary>Gets the registered functions, in registration order, building every invoker not built yet.</summary>
    /// <exception cref="InvalidOperationException">A function's request, response or data type is not known to any registered serializer context.</exception>
    public IReadOnlyList<FunctionInvoker> Functions
    {
        get
        {
            if (_functions is { } functions)
            {
                return functions;
            }

            functions = new FunctionInvoker[_registrations.Length];
            for (var i = 0; i < functions.Length; i++)
            {
                functions[i] = Build(i);
            }

            return _functions = functions;
        }
    }

    /// <summary>The invoker of the registration at <paramref name="index"/>: built once, whichever thread asks first.</summary>
    private FunctionInvoker Build(int index)
    {
        if (Volatile.Read(ref _built[index]) is { } built)
        {
            return built;
        }

        var registration = _registrations[index];
        var created = registration.Factory(registration, _shared);
        return Interlocked.CompareExchange(ref _built[index], created, null) ?? created;
    }

    /// <summary>
    /// Answers a request that no function serves (an unknown route: <see cref="FunctionProblems.NotFound"/>) with a
    /// client-error problem, an invocation id, one log entry and a span, as every other answer gets.
    /// </summary>
    /// <param name="problem">The problem (4xx).</param>
    /// <param name="invocation">What the host knows about the request, or <see langword="null"/>.</param>
    /// <returns>The result, <see cref="FunctionStatus.Rejected"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The problem's status is not a client error.</exception>
    public FunctionResult Reject(FunctionProblem problem, FunctionInvocation? invocation = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return HostAnswer.Reject(_hostLogger, null, invocation?.Trigger ?? FunctionTrigger.Http, problem, invocation);
    }

    /// <summary>
    /// Gets the JSON type information the functions read and write <typeparamref name="T"/> with: from the registered
    /// serializer contexts (a context declared without options reads and writes with the web defaults), then the
    /// core's own portable types. Use it to produce or read payloads exactly as the functions see them.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The type information.</returns>
    /// <exception cref="InvalidOperationException">No registered serializer context knows <typeparamref name="T"/>.</exception>
    public JsonTypeInfo<T> GetJsonTypeInfo<T>() => _shared.Json.Get<T>(null);

    /// <summary>Finds a function by name (case-insensitive).</summary>
    /// <param name="name">The function name.</param>
    /// <param name="function">The function, when found.</param>
    /// <returns><see langword="true"/> when a function has that name.</returns>
    /// <exception cref="InvalidOperationException">The function's request, response or data type is not known to any registered serializer context.</exception>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FunctionInvoker? function)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < _registrations.Length; i++)
        {
            if (string.Equals(_registrations[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                function = Build(i);
                return true;
            }
        }

        function = null;
        return false;
    }

    /// <summary>
    /// Selects the function a single-function platform runs (Lambda's <c>_HANDLER</c>, Google's
    /// <c>FUNCTION_TARGET</c>): the one named, or the only one registered whatever the name says.
    /// </summary>
    /// <param name="name">The configured name, or <see langword="null"/>.</param>
    /// <returns>The selected function.</returns>
    /// <exception cref="InvalidOperationException">No function is registered, or several are and none has that name, or the
    /// selected function's request, response or data type is not known to any registered serializer context.</exception>
    public FunctionInvoker Select(string? name)
    {
        if (_registrations.Length == 0)
        {
            throw new InvalidOperationException("No function is registered. Register one with services.AddPortableFunctions(f => f.AddFunction<...>(\"name\")).");
        }

        if (IndexOfSelected(_registrations, name) is var index and >= 0)
        {
            return Build(index);
        }

        var names = string.Join(", ", Array.ConvertAll(_registrations, static f => f.Name));
        throw new InvalidOperationException(string.IsNullOrWhiteSpace(name)
            ? $"Several functions are registered ({names}); name the one to run."
            : $"No function is named '{name}'. Registered functions: {names}.");
    }

    /// <summary>
    /// Builds, before there is a service provider, the JSON type information of the function <see cref="Select"/> would
    /// select for <paramref name="name"/>; the catalog later built from <paramref name="services"/> finds it built. A
    /// single-function host calls it on a thread of its own, once the functions are registered, while it reads its
    /// configuration and builds its services: on a cold start that metadata is the largest single piece of work.
    /// </summary>
    /// <param name="services">The service collection the functions are registered in.</param>
    /// <param name="name">The function's name, or <see langword="null"/> when only one is registered.</param>
    /// <returns><see langword="false"/> when nothing was built: no function is selected, or one of its types is not known to
    /// any registered serializer context (<see cref="Select"/> reports either).</returns>
    public static bool Prepare(IServiceCollection services, string? name)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (FunctionRegistrations.Find(services) is not { } registrations)
        {
            return false;
        }

        if (IndexOfSelected(registrations.Functions, name) is not (var index and >= 0))
        {
            return false;
        }

        var selected = registrations.Functions[index];
        if (selected.ResolveJson is not { } resolve)
        {
            return true;
        }

        try
        {
            resolve(registrations.Json, selected.Name);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The single-function platforms' rule: the only function registered whatever the name says, else the one named (case-insensitive); -1 when none is.</summary>
    private static int IndexOfSelected(IReadOnlyList<FunctionRegistration> registrations, string? name)
    {
        if (registrations.Count == 1)
        {
            return 0;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return -1;
        }

        var trimmed = name.Trim();
        for (var i = 0; i < registrations.Count; i++)
        {
            if (string.Equals(registrations[i].Name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>What every invoker shares: resolved once when the catalog is built.</summary>
internal sealed record InvokerServices(
    IServiceScopeFactory ScopeFactory,
    ILoggerFactory LoggerFactory,
    TimeProvider TimeProvider,
    FunctionsOptions Options,
    JsonTypeResolver Json,
    Func<FunctionInvocationDelegate, FunctionInvocationDelegate>[] Middleware);

/// <summary>
/// Finds source-generated type information in the registered contexts, then in the core's own. A context declared
/// without options — no <see cref="JsonSourceGenerationOptionsAttribute"/>, and naming, case sensitivity and number
/// handling left at the general defaults — is read and written with <see cref="JsonSerializerDefaults.Web"/>
/// (camelCase, case-insensitive reads, numbers from strings), as ASP.NET Core and the Azure worker do, and strictly:
/// a constructor parameter without a default value is required and non-nullable members refuse <c>null</c>
/// (<see cref="JsonSerializerOptions.RespectRequiredConstructorParameters"/>,
/// <see cref="JsonSerializerOptions.RespectNullableAnnotations"/>). A context that states its options keeps them.
/// </summary>
internal sealed class JsonTypeResolver
{
    private readonly (JsonSerializerContext Context, JsonSerializerOptions? WebOptions)[] _contexts;

    public JsonTypeResolver(IReadOnlyList<JsonSerializerContext> contexts)
    {
        ContextCount = contexts.Count;
        _contexts = new (JsonSerializerContext, JsonSerializerOptions?)[contexts.Count + 1];
        for (var i = 0; i < contexts.Count; i++)
        {
            _contexts[i] = (contexts[i], StatesOptions(contexts[i]) ? null : WebOptions(contexts[i]));
        }

        _contexts[^1] = (PortableFunctionsJsonContext.Default, null);
    }

    /// <summary>Gets how many registered contexts this resolver was built with.</summary>
    public int ContextCount { get; }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "Reached only when reflection-based serialization is enabled, which trimmed and Native AOT apps turn off.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050",
        Justification = "Reached only when reflection-based serialization is enabled, which trimmed and Native AOT apps turn off.")]
    public JsonTypeInfo<T> Get<T>(string? functionName)
    {
        foreach (var (context, webOptions) in _contexts)
        {
            var info = webOptions is null ? context.GetTypeInfo(typeof(T)) : webOptions.TryGetTypeInfo(typeof(T), out var web) ? web : null;
            if (info is JsonTypeInfo<T> typed)
            {
                return typed;
            }
        }

        if (JsonSerializer.IsReflectionEnabledByDefault && JsonSerializerOptions.Web.TryGetTypeInfo(typeof(T), out var reflected))
        {
            return (JsonTypeInfo<T>)reflected;
        }

        var who = functionName is null ? "The type" : $"Function '{functionName}' uses type";
        throw new InvalidOperationException(
            $"{who} '{typeof(T)}', which no registered JsonSerializerContext knows. " +
            $"Add [JsonSerializable(typeof({typeof(T).Name}))] to your context and register it with UseJsonContext(MyJsonContext.Default).");
    }

    /// <summary>A context states its options with the generator's attribute, or by carrying options that are not the general defaults.</summary>
    private static bool StatesOptions(JsonSerializerContext context)
    {
        if (Attribute.IsDefined(context.GetType(), typeof(JsonSourceGenerationOptionsAttribute)))
        {
            return true;
        }

        var options = context.Options;
        return options.PropertyNamingPolicy is not null || options.PropertyNameCaseInsensitive || options.NumberHandling != JsonNumberHandling.Strict;
    }

    private static JsonSerializerOptions WebOptions(JsonSerializerContext context)
    {
        // A copy of the context's own options (converters included), with what JsonSerializerDefaults.Web changes.
        var options = new JsonSerializerOptions(context.Options)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,

            // A function's input is a contract: a constructor parameter without a default is required, and a member
            // declared non-nullable does not take null. Missing or null, it is a 400 naming the member — never a
            // default value the function cannot tell from a real one.
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            TypeInfoResolver = context,
        };
        options.MakeReadOnly();
        return options;
    }
}
