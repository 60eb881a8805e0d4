using System.Text.Json.Serialization;

namespace Portable.Functions;

/// <summary>Everything <c>AddPortableFunctions</c> calls registered, kept as one singleton instance.</summary>
internal sealed class FunctionRegistrations
{
    public List<FunctionRegistration> Functions { get; } = [];

    public List<JsonSerializerContext> JsonContexts { get; } = [];

    public List<Func<FunctionInvocationDelegate, FunctionInvocationDelegate>> Middleware { get; } = [];

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
        Func<FunctionRegistration, InvokerServices, FunctionInvoker> factory)
    {
        ValidateName(name);
        Name = name;
        Kind = kind;
        FunctionType = functionType;
        InputType = inputType;
        OutputType = outputType;
        Factory = factory;
    }

    public string Name { get; }

    public FunctionKind Kind { get; }

    public Type FunctionType { get; }

    public Type InputType { get; }

    public Type? OutputType { get; }

    public Func<FunctionRegistration, InvokerServices, FunctionInvoker> Factory { get; }

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
