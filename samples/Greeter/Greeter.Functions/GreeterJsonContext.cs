using System.Text.Json;
using System.Text.Json.Serialization;

namespace Greeter.Functions;

/// <summary>Source-generated JSON for the Greeter's types: no reflection, ready for Native AOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(GreetResponse))]
[JsonSerializable(typeof(Order))]
public sealed partial class GreeterJsonContext : JsonSerializerContext
{
}
