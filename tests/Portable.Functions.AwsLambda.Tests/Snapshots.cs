using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>Pretty JSON for snapshots, with run-specific values replaced by placeholders.</summary>
internal static class Snapshots
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Pretty(JsonNode node)
    {
        Scrub(node);
        return node.ToJsonString(Indented);
    }

    public static string Pretty(string json) => Pretty(JsonNode.Parse(json)!);

    public static string Pretty(ReadOnlySpan<byte> json) => Pretty(JsonNode.Parse(json)!);

    private static void Scrub(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToArray())
                {
                    if (name is "invocationId")
                    {
                        obj[name] = $"<{name}>";
                    }
                    else
                    {
                        Scrub(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Scrub(item);
                }

                break;
        }
    }
}
