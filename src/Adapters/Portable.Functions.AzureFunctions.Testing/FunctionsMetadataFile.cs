using System.Text.Json;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>
/// Host indexing: when the worker answers <c>use_default_metadata_indexing</c>, the host reads the
/// <c>functions.metadata</c> file the Worker SDK wrote beside the app and gives each function an id itself.
/// </summary>
internal static class FunctionsMetadataFile
{
    public static IReadOnlyList<EmulatedFunction> Read(string directory)
    {
        var path = Path.Combine(directory, "functions.metadata");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The worker asked the host to index its functions, but '{path}' does not exist.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var functions = new List<EmulatedFunction>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (function.TryGetProperty("properties", out var bag) && bag.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in bag.EnumerateObject())
                {
                    properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            int? maxRetryCount = function.TryGetProperty("retry", out var retry) && retry.ValueKind == JsonValueKind.Object
                && retry.TryGetProperty("maxRetryCount", out var max) && max.TryGetInt32(out var count) ? count : null;
            functions.Add(new EmulatedFunction(
                Text(function, "name"),
                Guid.NewGuid().ToString(),
                Text(function, "scriptFile"),
                Text(function, "entryPoint"),
                string.Empty,
                Text(function, "language"),
                function.TryGetProperty("bindings", out var bindings) ? [.. bindings.EnumerateArray().Select(b => b.GetRawText())] : [],
                properties,
                maxRetryCount));
        }

        return functions;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
