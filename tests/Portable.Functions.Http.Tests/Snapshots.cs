using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.Http.Tests;

/// <summary>Renders what a caller sees, for snapshots: status, content type and the JSON body, indented, with run-specific values replaced.</summary>
internal static class Snapshots
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return $"HTTP {(int)response.StatusCode}\ncontent-type: {response.Content.Headers.ContentType}\n\n{PrettyJson(body)}";
    }

    public static string PrettyJson(string json, params string[] extraPlaceholders)
    {
        if (string.IsNullOrEmpty(json))
        {
            return string.Empty;
        }

        var node = JsonNode.Parse(json)!;
        if (node is JsonObject obj)
        {
            foreach (var name in (string[])["invocationId", .. extraPlaceholders])
            {
                if (obj.ContainsKey(name))
                {
                    obj[name] = $"<{name}>";
                }
            }
        }

        return node.ToJsonString(Indented);
    }
}
