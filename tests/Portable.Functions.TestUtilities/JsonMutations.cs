using System.Text.Json.Nodes;

namespace Portable.Functions.TestUtilities;

/// <summary>
/// Mutations of a real payload for property and fuzz tests: one value anywhere in the document replaced by a value of
/// another kind (null, a number, a string, invalid base64, an empty object or array, deep nesting), or one member removed.
/// Random bytes are almost never JSON; a real payload with one thing wrong reaches far deeper into a mapper.
/// </summary>
public static class JsonMutations
{
    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null,
        () => 5,
        () => -1.5e300,
        () => true,
        () => "",
        () => "%%%not base64%%%",
        () => "\u0000\r\n",
        () => new JsonObject(),
        () => new JsonArray(),
        () => DeepPlaceholder,
    ];

    /// <summary>Stands for nesting past the readers' maximum depth, which JsonNode itself cannot hold; replaced in the text.</summary>
    private const string DeepPlaceholder = "\u0001deep\u0001";

    private static readonly string Deep = new string('[', 70) + new string(']', 70);

    /// <summary>Gets how many kinds of mutation there are per location.</summary>
    public static int Kinds => Replacements.Length + 1;

    /// <summary>Mutates the document at one location.</summary>
    /// <param name="json">The document.</param>
    /// <param name="location">Which value (modulo the number of values in the document).</param>
    /// <param name="kind">Which mutation (modulo <see cref="Kinds"/>): a replacement, or removing the member.</param>
    /// <returns>The mutated document as JSON text.</returns>
    public static string Mutate(string json, int location, int kind)
    {
        var root = JsonNode.Parse(json)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[Math.Abs(location % nodes.Count)];
        var which = Math.Abs(kind % Kinds);
        if (target.Parent is not { } parent)
        {
            return Deepen(which == Replacements.Length ? "{}" : Replacements[which]()?.ToJsonString() ?? "null");
        }

        if (parent is JsonObject obj)
        {
            var name = target.GetPropertyName();
            if (which == Replacements.Length)
            {
                obj.Remove(name);
            }
            else
            {
                obj[name] = Replacements[which]();
            }
        }
        else if (parent is JsonArray array)
        {
            var index = target.GetElementIndex();
            if (which == Replacements.Length)
            {
                array.RemoveAt(index);
            }
            else
            {
                array[index] = Replacements[which]();
            }
        }

        return Deepen(root.ToJsonString());
    }

    private static string Deepen(string json) => json.Replace("\"\\u0001deep\\u0001\"", Deep, StringComparison.Ordinal);

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    if (value is not null)
                    {
                        Collect(value, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    if (value is not null)
                    {
                        Collect(value, nodes);
                    }
                }

                break;
        }
    }
}
