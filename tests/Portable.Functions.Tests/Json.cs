using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.Tests;

/// <summary>Formats JSON bodies for snapshots: indented, with run-specific values replaced by placeholders.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Pretty(ReadOnlyMemory<byte> body, params string[] placeholders)
    {
        var node = JsonNode.Parse(Encoding.UTF8.GetString(body.Span))!;
        if (node is JsonObject obj)
        {
            foreach (var name in placeholders)
            {
                if (obj.ContainsKey(name))
                {
                    obj[name] = $"<{name}>";
                }
            }
        }

        return node.ToJsonString(Indented);
    }

    public static FunctionHttpRequest Post(string path, string body, string? contentType = "application/json") => new()
    {
        Method = "POST",
        Path = path,
        Headers = contentType is null
            ? new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = contentType },
        Body = Encoding.UTF8.GetBytes(body),
    };
}
