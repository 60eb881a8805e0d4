using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Functions.Http;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Unwraps the data of well-known Google events for <see cref="FunctionEvent{TData}"/>: a Pub/Sub message becomes its
/// decoded payload with its attributes as extensions; a Cloud Storage object becomes a <see cref="StorageObjectChange"/>.
/// </summary>
internal static class GoogleEventData
{
    private const string StorageTypePrefix = "google.cloud.storage.object.v1.";

    /// <exception cref="InvalidCloudEventException">The event's data is not what its type promises.</exception>
    public static FunctionEventEnvelope Unwrap(FunctionEventEnvelope envelope)
    {
        try
        {
            return UnwrapCore(envelope);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            throw LegacyEventConverter.Unreadable(exception);
        }
    }

    private static FunctionEventEnvelope UnwrapCore(FunctionEventEnvelope envelope)
    {
        if (envelope.Type == LegacyEventConverter.PubSubMessagePublished)
        {
            return UnwrapPubSub(envelope);
        }

        return envelope.Type.StartsWith(StorageTypePrefix, StringComparison.Ordinal) ? UnwrapStorage(envelope) : envelope;
    }

    public static FunctionTrigger TriggerOf(string type) =>
        type == LegacyEventConverter.PubSubMessagePublished ? FunctionTrigger.PubSub
        : type.StartsWith("google.cloud.storage.", StringComparison.Ordinal)
          || type.StartsWith("google.cloud.firestore.", StringComparison.Ordinal)
          || type.StartsWith("google.firebase.database.", StringComparison.Ordinal) ? FunctionTrigger.DataSource
        : type.StartsWith("google.cloud.scheduler.", StringComparison.Ordinal) ? FunctionTrigger.Timer
        : FunctionTrigger.PubSub;

    private static FunctionEventEnvelope UnwrapPubSub(FunctionEventEnvelope envelope)
    {
        if (Parse(envelope) is not JsonObject { } data || data["message"] is not JsonObject message)
        {
            throw new InvalidCloudEventException("The Pub/Sub event has no 'message'.");
        }

        byte[] payload = [];
        if (message["data"] is JsonValue dataValue && dataValue.TryGetValue<string>(out var base64))
        {
            try
            {
                payload = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw new InvalidCloudEventException("The Pub/Sub message's 'data' is not valid base64.");
            }
        }

        var extensions = new Dictionary<string, string>(envelope.Extensions, StringComparer.Ordinal);
        if (message["attributes"] is JsonObject attributes)
        {
            foreach (var (name, value) in attributes)
            {
                if (value is JsonValue attribute && attribute.TryGetValue<string>(out var text))
                {
                    extensions[name] = text;
                }
            }
        }

        return With(envelope, payload, dataContentType: null, extensions);
    }

    private static FunctionEventEnvelope UnwrapStorage(FunctionEventEnvelope envelope)
    {
        if (Parse(envelope) is not JsonObject data)
        {
            throw new InvalidCloudEventException("The Cloud Storage event has no object data.");
        }

        var change = new StorageObjectChange
        {
            Bucket = Text(data, "bucket") ?? string.Empty,
            Key = Text(data, "name") ?? string.Empty,
            Kind = envelope.Type[StorageTypePrefix.Length..] switch
            {
                "finalized" => StorageChangeKind.Created,
                "deleted" => StorageChangeKind.Deleted,
                "archived" => StorageChangeKind.Archived,
                "metadataUpdated" => StorageChangeKind.MetadataUpdated,
                _ => StorageChangeKind.Unknown,
            },
            Size = long.TryParse(Text(data, "size"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : null,
            ETag = Text(data, "etag"),
            ContentType = Text(data, "contentType"),
            Version = Text(data, "generation"),
        };
        return With(envelope, ReadOnlyMemory<byte>.Empty, "application/json", envelope.Extensions, change);
    }

    private static JsonNode? Parse(FunctionEventEnvelope envelope)
    {
        try
        {
            return envelope.Data.IsEmpty ? null : JsonNode.Parse(envelope.Data.Span);
        }
        catch (JsonException)
        {
            throw new InvalidCloudEventException($"The data of a '{envelope.Type}' event is not valid JSON.");
        }
    }

    /// <summary>Reads a member as text: Cloud Storage writes numbers such as <c>size</c> as strings, other sources may not.</summary>
    private static string? Text(JsonObject data, string name) => data[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    private static FunctionEventEnvelope With(FunctionEventEnvelope envelope, ReadOnlyMemory<byte> data, string? dataContentType, IReadOnlyDictionary<string, string> extensions, object? boundData = null) => new()
    {
        SpecVersion = envelope.SpecVersion,
        Id = envelope.Id,
        Source = envelope.Source,
        Type = envelope.Type,
        Subject = envelope.Subject,
        Time = envelope.Time,
        DataSchema = envelope.DataSchema,
        DataContentType = dataContentType,
        Extensions = extensions,
        Data = data,
        BoundData = boundData,
    };
}
