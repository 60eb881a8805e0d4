using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>Renders what the adapter produced as JSON, for snapshots.</summary>
internal static class Describe
{
    public static string Request(HttpEventRequest read)
    {
        var node = new JsonObject { ["multiValueMode"] = read.MultiValue };
        if (read.Problem is { } problem)
        {
            node["problem"] = new JsonObject { ["status"] = problem.Status, ["title"] = problem.Title, ["detail"] = problem.Detail };
            return Snapshots.Pretty(node);
        }

        var request = read.Request!;
        node["method"] = request.Method;
        node["path"] = request.Path;
        node["queryString"] = request.QueryString;
        node["query"] = Values(request.Query);
        node["headers"] = Values(request.Headers);
        var cookies = new JsonObject();
        foreach (var (name, value) in request.Cookies.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            cookies[name] = value;
        }

        node["cookies"] = cookies;
        node["contentType"] = request.ContentType;
        node["body"] = Body(request.Body.Span, request.ContentType);
        return Snapshots.Pretty(node);
    }

    public static string Batch(EventBatch batch)
    {
        var items = new JsonArray();
        foreach (var item in batch.Items)
        {
            items.Add(Envelope(item.Envelope, item.ItemIdentifier));
        }

        return Snapshots.Pretty(new JsonObject
        {
            ["mode"] = batch.Mode.ToString(),
            ["trigger"] = batch.Trigger.ToString(),
            ["items"] = items,
        });
    }

    public static JsonObject Envelope(FunctionEventEnvelope envelope, string? itemIdentifier = null)
    {
        var extensions = new JsonObject();
        foreach (var (name, value) in envelope.Extensions.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            extensions[name] = value;
        }

        var node = new JsonObject();
        if (itemIdentifier is not null)
        {
            node["itemIdentifier"] = itemIdentifier;
        }

        node["specversion"] = envelope.SpecVersion;
        node["id"] = envelope.Id;
        node["source"] = envelope.Source;
        node["type"] = envelope.Type;
        node["subject"] = envelope.Subject;
        node["time"] = envelope.Time?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        node["datacontenttype"] = envelope.DataContentType;
        node["extensions"] = extensions;
        node["data"] = envelope.BoundData is { } bound
            ? JsonSerializer.SerializeToNode(bound, DescribeJsonContext.Default.GetTypeInfo(bound.GetType())!)
            : Body(envelope.Data.Span, envelope.DataContentType);
        return node;
    }

    private static JsonObject Values(IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> values)
    {
        var node = new JsonObject();
        foreach (var (name, value) in values.OrderBy(v => v.Key, StringComparer.OrdinalIgnoreCase))
        {
            var array = new JsonArray();
            foreach (var item in value)
            {
                array.Add(item);
            }

            node[name] = array;
        }

        return node;
    }

    /// <summary>JSON stays JSON, valid UTF-8 text stays text, anything else is shown as base64.</summary>
    private static JsonNode? Body(ReadOnlySpan<byte> bytes, string? contentType)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                return JsonNode.Parse(bytes);
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) && !bytes.Contains((byte)0)
            ? Encoding.UTF8.GetString(bytes)
            : "base64:" + Convert.ToBase64String(bytes);
    }
}

/// <summary>Portable data as the snapshots show it: camelCase, string enums, no nulls.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StorageObjectChange))]
[JsonSerializable(typeof(ScheduleTick))]
internal sealed partial class DescribeJsonContext : JsonSerializerContext;
