using System.Text.Json.Serialization;

namespace Greeter.Functions;

/// <summary>
/// Source-generated JSON for the Greeter's types: no reflection, ready for Native AOT. Declared without options, it is
/// read and written with the web defaults (camelCase, case-insensitive), as ASP.NET Core reads and writes JSON.
/// </summary>
[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(GreetResponse))]
[JsonSerializable(typeof(Order))]
public sealed partial class GreeterJsonContext : JsonSerializerContext
{
}
