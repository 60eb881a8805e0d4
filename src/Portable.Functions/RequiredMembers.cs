using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Functions;

/// <summary>
/// Names the required members a JSON object lacks, to tell a caller which field to add. System.Text.Json reports a
/// missing member only in its (localized) exception message, with the .NET type's name in it, which is never shown to
/// a caller; this reads the object's own member names instead. It runs only after binding failed.
/// </summary>
internal static class RequiredMembers
{
    /// <summary>The JSON names of <paramref name="typeInfo"/>'s required members that the top-level object in <paramref name="json"/> does not have.</summary>
    /// <returns>The missing names, in declaration order; empty when none is missing or <paramref name="json"/> is not an object.</returns>
    public static IReadOnlyList<string> FindMissing(JsonTypeInfo typeInfo, ReadOnlySpan<byte> json)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return [];
        }

        var required = new List<string>();
        foreach (var property in typeInfo.Properties)
        {
            if (property.IsRequired
                || (typeInfo.Options.RespectRequiredConstructorParameters && property.AssociatedParameter is { HasDefaultValue: false }))
            {
                required.Add(property.Name);
            }
        }

        if (required.Count == 0)
        {
            return [];
        }

        var comparison = typeInfo.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return [];
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                required.RemoveAll(r => string.Equals(r, name, comparison));
                reader.Read();
                reader.Skip();
            }

            while (reader.Read())
            {
                // Read to the end, so that a syntax error anywhere is reported as one rather than as a missing member.
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: the caller reports the syntax error instead.
            return [];
        }

        return required;
    }
}
