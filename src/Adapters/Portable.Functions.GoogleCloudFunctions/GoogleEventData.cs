using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
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

    /// <summary>
    /// The most property names, over the levels the tree would read (the data, its <c>message</c>, the message's
    /// <c>attributes</c>), that <see cref="TryUnwrapPlainPubSub"/> compares for duplicates before it leaves a message to
    /// the tree. Pub/Sub allows 100 attributes, so every real message fits.
    /// </summary>
    private const int MaxPlainNames = 128;

    /// <summary>The bytes of base64 without whitespace: a <c>data</c> string with anything else is left to the tree.</summary>
    private static readonly SearchValues<byte> Base64Bytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    /// <summary>Unwraps an event's data; a plain Pub/Sub message is read without building a <see cref="JsonNode"/> tree.</summary>
    /// <exception cref="InvalidCloudEventException">The event's data is not what its type promises.</exception>
    public static FunctionEventEnvelope Unwrap(FunctionEventEnvelope envelope) =>
        envelope.Type == LegacyEventConverter.PubSubMessagePublished && TryUnwrapPlainPubSub(envelope, out var plain)
            ? plain
            : UnwrapByTree(envelope);

    /// <summary>
    /// Unwraps an event's data by parsing it into a <see cref="JsonNode"/> tree: what every event got before the plain
    /// Pub/Sub reading, and what decides (and words the error of) every message that reading is not sure of.
    /// </summary>
    /// <exception cref="InvalidCloudEventException">The event's data is not what its type promises.</exception>
    internal static FunctionEventEnvelope UnwrapByTree(FunctionEventEnvelope envelope)
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

    /// <summary>
    /// Reads a plain Pub/Sub message in one forward pass, with no <see cref="JsonNode"/> tree: a tree costs a document, a
    /// dictionary per object read and the base64 as a string before its bytes. It succeeds only when the tree would
    /// succeed with the same result: the data is valid JSON with no BOM and an object at the top, holding a
    /// <c>message</c> object; at the levels the tree reads as objects (the top, the message, its <c>attributes</c>)
    /// every property name is unescaped, valid UTF-8 and there once, as the tree's objects require when they are read;
    /// the message's <c>data</c>, when a string, is unescaped base64 with no whitespace that decodes cleanly; every
    /// string attribute reads as text. Whatever else (an error too) returns <see langword="false"/>, and the tree
    /// decides as it always has, so its answers and error messages stay the only ones.
    /// </summary>
    /// <param name="envelope">A Pub/Sub event.</param>
    /// <param name="unwrapped">The unwrapped event, when the message is plain.</param>
    /// <returns><see langword="true"/> when the message is plain and <paramref name="unwrapped"/> is the tree's result.</returns>
    internal static bool TryUnwrapPlainPubSub(FunctionEventEnvelope envelope, [NotNullWhen(true)] out FunctionEventEnvelope? unwrapped)
    {
        unwrapped = null;
        var json = envelope.Data.Span;
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return false;
        }

        Span<Range> names = stackalloc Range[MaxPlainNames];
        var count = 0;
        var reader = new Utf8JsonReader(json);
        (byte[] Payload, Dictionary<string, string> Extensions)? message = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!PlainJsonNames.TryAdd(json, ref reader, names, ref count))
                {
                    return false;
                }

                if (!reader.ValueSpan.SequenceEqual("message"u8))
                {
                    reader.Skip();
                    continue;
                }

                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                    || !TryReadPlainMessage(json, ref reader, names[count..], envelope.Extensions, out var payload, out var extensions))
                {
                    return false;
                }

                message = (payload, extensions);
            }

            if (message is not { } read || reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0)
            {
                return false;
            }

            while (reader.Read())
            {
                // Whatever follows the object must be nothing (or whitespace): the reader throws on anything else.
            }

            unwrapped = With(envelope, read.Payload, dataContentType: null, read.Extensions);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return false; // not JSON, or a string that is not text: the tree words the error
        }
    }

    /// <summary>Reads the members of a <c>message</c> object, the reader on its start; the reader ends on its end.</summary>
    private static bool TryReadPlainMessage(
        ReadOnlySpan<byte> json, ref Utf8JsonReader reader, scoped Span<Range> names, IReadOnlyDictionary<string, string> envelopeExtensions,
        out byte[] payload, out Dictionary<string, string> extensions)
    {
        payload = [];
        extensions = new Dictionary<string, string>(envelopeExtensions, StringComparer.Ordinal);
        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!PlainJsonNames.TryAdd(json, ref reader, names, ref count))
            {
                return false;
            }

            var isData = reader.ValueSpan.SequenceEqual("data"u8);
            var isAttributes = reader.ValueSpan.SequenceEqual("attributes"u8);
            reader.Read();
            if (isData && reader.TokenType == JsonTokenType.String)
            {
                if (!TryDecodePlainBase64(ref reader, out payload))
                {
                    return false;
                }
            }
            else if (isAttributes && reader.TokenType == JsonTokenType.StartObject)
            {
                if (!TryReadPlainAttributes(json, ref reader, names[count..], extensions))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip(); // another member, or data/attributes the tree ignores: its contents are never read
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>
    /// Decodes a <c>data</c> string that is plainly base64: unescaped, only base64's bytes (no whitespace, which
    /// <see cref="Convert.FromBase64String"/> would skip), padded to whole quanta. On such text
    /// <see cref="Base64.DecodeFromUtf8"/> accepts no string that <see cref="Convert.FromBase64String"/> rejects and
    /// decodes the same bytes; anything it does not accept is left to the tree, which words the error.
    /// </summary>
    private static bool TryDecodePlainBase64(ref Utf8JsonReader reader, out byte[] payload)
    {
        payload = [];
        var text = reader.ValueSpan;
        if (reader.ValueIsEscaped || text.Length % 4 != 0 || text.ContainsAnyExcept(Base64Bytes))
        {
            return false;
        }

        if (text.IsEmpty)
        {
            return true;
        }

        var padding = text.EndsWith("=="u8) ? 2 : text.EndsWith("="u8) ? 1 : 0;
        payload = new byte[(text.Length / 4 * 3) - padding];
        return Base64.DecodeFromUtf8(text, payload, out var consumed, out var written) == OperationStatus.Done
            && consumed == text.Length && written == payload.Length;
    }

    /// <summary>
    /// Lifts the string members of an <c>attributes</c> object into the extensions, in order, as the tree does; other
    /// members are skipped unread, as the tree skips them. A string that is not text throws
    /// <see cref="InvalidOperationException"/> here as it does in the tree, and the caller leaves it to the tree.
    /// </summary>
    private static bool TryReadPlainAttributes(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, scoped Span<Range> names, Dictionary<string, string> extensions)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!PlainJsonNames.TryAdd(json, ref reader, names, ref count))
            {
                return false;
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                extensions[Encoding.UTF8.GetString(json[names[count - 1]])] = reader.GetString()!;
            }
            else
            {
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
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
