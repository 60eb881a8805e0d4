using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions;

/// <summary>Everything <c>AddPortableFunctions</c> calls registered, kept as one singleton instance.</summary>
internal sealed class FunctionRegistrations
{
    public List<FunctionRegistration> Functions { get; } = [];

    public List<JsonSerializerContext> JsonContexts { get; } = [];

    public List<Func<FunctionInvocationDelegate, FunctionInvocationDelegate>> Middleware { get; } = [];

    private JsonTypeResolver? _json;

    /// <summary>
    /// Gets the JSON type resolver of the registered contexts: one for the catalog and for <see cref="FunctionCatalog.Prepare"/>,
    /// so that what one builds the other finds; a new one if a context was registered since.
    /// </summary>
    public JsonTypeResolver Json
    {
        get
        {
            var json = Volatile.Read(ref _json);
            if (json is not null && json.ContextCount == JsonContexts.Count)
            {
                return json;
            }

            var created = new JsonTypeResolver(JsonContexts);
            return Interlocked.CompareExchange(ref _json, created, json) == json ? created : Volatile.Read(ref _json)!;
        }
    }

    /// <summary>The registrations in <paramref name="services"/>, if Portable.Functions is registered there.</summary>
    public static FunctionRegistrations? Find(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(FunctionRegistrations) && descriptor.ImplementationInstance is FunctionRegistrations existing)
            {
                return existing;
            }
        }

        return null;
    }

    public void Add(FunctionRegistration registration)
    {
        foreach (var existing in Functions)
        {
            if (string.Equals(existing.Name, registration.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"A function named '{registration.Name}' is already registered.", nameof(registration));
            }
        }

        Functions.Add(registration);
    }
}

/// <summary>One registered function and how to build its invoker.</summary>
internal sealed class FunctionRegistration
{
    public FunctionRegistration(string name, FunctionKind kind, Type functionType, Type inputType, Type? outputType,
        Func<FunctionRegistration, InvokerServices, FunctionInvoker> factory, Action<JsonTypeResolver, string>? resolveJson = null)
    {
        ValidateName(name);
        Name = name;
        Kind = kind;
        FunctionType = functionType;
        InputType = inputType;
        OutputType = outputType;
        Factory = factory;
        ResolveJson = resolveJson;
    }

    public string Name { get; }

    public FunctionKind Kind { get; }

    public Type FunctionType { get; }

    public Type InputType { get; }

    public Type? OutputType { get; }

    public Func<FunctionRegistration, InvokerServices, FunctionInvoker> Factory { get; }

    /// <summary>Resolves the JSON type information the invoker will take from the resolver (what <see cref="FunctionCatalog.Prepare"/> builds ahead).</summary>
    public Action<JsonTypeResolver, string>? ResolveJson { get; }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.')
            {
                throw new ArgumentException(
                    $"The function name '{name}' is not valid: use ASCII letters, digits, '-', '_' and '.' only, so that it works as a route, a Lambda handler and a function target.",
                    nameof(name));
            }
        }
    }
}
