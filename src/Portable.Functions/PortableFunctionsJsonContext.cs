using System.Text.Json.Serialization;

namespace Portable.Functions;

/// <summary>Source-generated serialization for the portable data types the core defines.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StorageObjectChange))]
[JsonSerializable(typeof(ScheduleTick))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class PortableFunctionsJsonContext : JsonSerializerContext
{
}
