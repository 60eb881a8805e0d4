using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portable.Functions;

/// <summary>
/// The registered functions of a deployable, each with an invoker built once at start-up. Adapters select functions
/// here and call their <see cref="FunctionInvoker"/>; they never bind, serialize, run middleware or trace themselves.
/// </summary>
public sealed class FunctionCatalog
{
    private readonly FunctionInvoker[] _functions;

    /// <summary>Initializes a new instance of the <see cref="FunctionCatalog"/> class from the registrations in <paramref name="services"/>.</summary>
    /// <param name="services">The root service provider.</param>
    /// <exception cref="InvalidOperationException">A function's request, response or data type is not known to any registered serializer context.</exception>
    public FunctionCatalog(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registrations = services.GetRequiredService<FunctionRegistrations>();
        var shared = new InvokerServices(
            services.GetRequiredService<IServiceScopeFactory>(),
            services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<FunctionsOptions>>().Value,
            new JsonTypeResolver(registrations.JsonContexts),
            registrations.Middleware.ToArray());

        _functions = new FunctionInvoker[registrations.Functions.Count];
        for (var i = 0; i < _functions.Length; i++)
        {
            var registration = registrations.Functions[i];
            _functions[i] = registration.Factory(registration, shared);
        }
    }

    /// <summary>Gets the registered functions, in registration order.</summary>
    public IReadOnlyList<FunctionInvoker> Functions => _functions;

    /// <summary>Finds a function by name (case-insensitive).</summary>
    /// <param name="name">The function name.</param>
    /// <param name="function">The function, when found.</param>
    /// <returns><see langword="true"/> when a function has that name.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FunctionInvoker? function)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var candidate in _functions)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                function = candidate;
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
    /// <exception cref="InvalidOperationException">No function is registered, or several are and none has that name.</exception>
    public FunctionInvoker Select(string? name)
    {
        if (_functions.Length == 1)
        {
            return _functions[0];
        }

        if (_functions.Length == 0)
        {
            throw new InvalidOperationException("No function is registered. Register one with services.AddPortableFunctions(f => f.AddFunction<...>(\"name\")).");
        }

        if (!string.IsNullOrWhiteSpace(name) && TryGet(name.Trim(), out var function))
        {
            return function;
        }

        var names = string.Join(", ", Array.ConvertAll(_functions, static f => f.Name));
        throw new InvalidOperationException(string.IsNullOrWhiteSpace(name)
            ? $"Several functions are registered ({names}); name the one to run."
            : $"No function is named '{name}'. Registered functions: {names}.");
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

/// <summary>Finds source-generated type information in the registered contexts, then in the core's own.</summary>
internal sealed class JsonTypeResolver
{
    private readonly System.Text.Json.Serialization.JsonSerializerContext[] _contexts;

    public JsonTypeResolver(IEnumerable<System.Text.Json.Serialization.JsonSerializerContext> contexts)
    {
        _contexts = [.. contexts, PortableFunctionsJsonContext.Default];
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "Reached only when reflection-based serialization is enabled, which trimmed and Native AOT apps turn off.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050",
        Justification = "Reached only when reflection-based serialization is enabled, which trimmed and Native AOT apps turn off.")]
    public JsonTypeInfo<T> Get<T>(string functionName)
    {
        foreach (var context in _contexts)
        {
            if (context.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> info)
            {
                return info;
            }
        }

        if (JsonSerializer.IsReflectionEnabledByDefault && JsonSerializerOptions.Web.TryGetTypeInfo(typeof(T), out var reflected))
        {
            return (JsonTypeInfo<T>)reflected;
        }

        throw new InvalidOperationException(
            $"Function '{functionName}' uses type '{typeof(T)}', which no registered JsonSerializerContext knows. " +
            $"Add [JsonSerializable(typeof({typeof(T).Name}))] to your context and register it with UseJsonContext(MyJsonContext.Default).");
    }
}
