using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Functions.Http;

/// <summary>Source-generated serialization for the host's own payloads.</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(HealthReport))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class HttpHostJsonContext : JsonSerializerContext
{
}

/// <summary>The body of the health endpoint.</summary>
internal sealed record HealthReport(string Status, string[] Functions);
