using System.Text.Json;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>The direction of a binding.</summary>
public enum BindingDirection
{
    /// <summary>An input (triggers included).</summary>
    In,

    /// <summary>An output (<c>$return</c> included).</summary>
    Out,

    /// <summary>Both.</summary>
    InOut,
}

/// <summary>One binding of a function, as the worker described it in its raw binding JSON.</summary>
public sealed class FunctionBindingInfo
{
    private readonly JsonElement _json;

    internal FunctionBindingInfo(string rawJson)
    {
        RawJson = rawJson;
        using var document = JsonDocument.Parse(rawJson);
        _json = document.RootElement.Clone();
        Name = GetProperty("name") ?? string.Empty;
        Type = GetProperty("type") ?? string.Empty;
        Direction = GetProperty("direction")?.ToUpperInvariant() switch
        {
            "OUT" => BindingDirection.Out,
            "INOUT" => BindingDirection.InOut,
            _ => BindingDirection.In,
        };
        DataType = GetProperty("dataType");
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (TryGet("properties", out var bag) && bag.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in bag.EnumerateObject())
            {
                properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        Properties = properties;
    }

    /// <summary>Gets the binding's name: the parameter name, or <c>$return</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the binding's type, such as <c>httpTrigger</c>, <c>queueTrigger</c>, <c>timerTrigger</c> or <c>queue</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the binding's direction.</summary>
    public BindingDirection Direction { get; }

    /// <summary>Gets the binding's data type (<c>String</c>, <c>Binary</c>, <c>Stream</c>), or <see langword="null"/>.</summary>
    public string? DataType { get; }

    /// <summary>Gets a value indicating whether the binding is its function's trigger.</summary>
    public bool IsTrigger => Direction == BindingDirection.In && Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the binding's <c>properties</c> object, such as <c>supportsDeferredBinding</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>Gets the binding's JSON exactly as the worker sent it.</summary>
    public string RawJson { get; }

    /// <summary>Reads a property of the binding's JSON, such as <c>route</c>, <c>queueName</c>, <c>schedule</c> or <c>path</c>.</summary>
    /// <param name="name">The property's name (case-insensitive).</param>
    /// <returns>The property's text (a string's value, anything else as JSON), or <see langword="null"/> when absent or <c>null</c>.</returns>
    public string? GetProperty(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
    }

    /// <summary>Reads an array property of the binding's JSON, such as an HTTP trigger's <c>methods</c>.</summary>
    /// <param name="name">The property's name (case-insensitive).</param>
    /// <returns>The array's strings; empty when absent.</returns>
    public IReadOnlyList<string> GetStrings(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!TryGet(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Type}, {Direction})";

    private bool TryGet(string name, out JsonElement value)
    {
        if (_json.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in _json.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
