using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// Translates the worker's trigger inputs and trigger metadata (<c>BindingContext.BindingData</c>, as the host sends
/// it) into CloudEvents-shaped <see cref="FunctionEventEnvelope"/>s.
/// </summary>
internal static class AzureEvents
{
    public const string QueueMessageType = "azure.storage.queue.message";
    public const string BlobType = "azure.storage.blob.created";
    public const string TimerType = "azure.timer.tick";

    private const string Json = "application/json";

    /// <summary>The characters a JSON string may hold as they are: printable ASCII, but for the quote and the backslash.</summary>
    private static readonly SearchValues<char> PlainJsonCharacters = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static readonly SourceCache QueueSources = new("/queues/");
    private static readonly SourceCache TimerSources = new("/timers/");

    /// <summary>A Storage Queue message: its id, insertion time as <c>time</c>, dequeue count and visibility as extensions, its text as data.</summary>
    public static FunctionEventEnvelope Queue(string queueName, string message, WorkerContext context)
    {
        var data = context.BindingContext.BindingData;
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        AddIfSet(extensions, "dequeuecount", Text(data, "DequeueCount"));
        AddIfSet(extensions, "expirationtime", Time(data, "ExpirationTime")?.ToString("O", CultureInfo.InvariantCulture));
        AddIfSet(extensions, "nextvisibletime", Time(data, "NextVisibleTime")?.ToString("O", CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(message);
        return new FunctionEventEnvelope
        {
            Id = Text(data, "Id") ?? context.InvocationId,
            Source = QueueSources.For(queueName),
            Type = QueueMessageType,
            Time = Time(data, "InsertionTime"),
            DataContentType = Sniff(bytes),
            Extensions = extensions,
            Data = bytes,
        };
    }

    /// <summary>
    /// A new or updated blob: a <see cref="StorageObjectChange"/> (container, name, size, ETag, media type) from the
    /// trigger metadata, with the blob's content as the data for functions that take bytes, text or JSON.
    /// </summary>
    public static FunctionEventEnvelope Blob(byte[] content, WorkerContext context)
    {
        var data = context.BindingContext.BindingData;
        var path = Text(data, "BlobTrigger") ?? string.Empty;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = slash > 0 ? path[..slash] : path;
        var name = slash > 0 ? path[(slash + 1)..] : Text(data, "name") ?? string.Empty;
        var properties = Properties(data);
        var change = new StorageObjectChange
        {
            Bucket = container,
            Key = name,
            Kind = StorageChangeKind.Created,
            Size = Number(properties, "ContentLength") ?? Number(properties, "Length") ?? content.LongLength,
            ETag = String(properties, "ETag")?.Trim('"'),
            ContentType = String(properties, "ContentType"),
        };
        var uri = Text(data, "Uri");
        return new FunctionEventEnvelope
        {
            Id = change.ETag is { } etag ? string.Concat(uri ?? path, "@", etag) : context.InvocationId,
            Source = uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var blobUri)
                ? blobUri.GetLeftPart(UriPartial.Authority) + "/" + container
                : "/blobs/" + container,
            Type = BlobType,
            Subject = name,
            Time = Time(properties, "LastModified"),
            DataContentType = change.ContentType ?? Sniff(content),
            Data = content,
            BoundData = change,
        };
    }

    /// <summary>A timer tick: a <see cref="ScheduleTick"/> at the time the tick is handled, past due when the platform says so.</summary>
    public static FunctionEventEnvelope Timer(string functionName, TimerInfo timer, DateTimeOffset now, WorkerContext context)
    {
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (timer.ScheduleStatus is { } status)
        {
            extensions["schedulelast"] = new DateTimeOffset(DateTime.SpecifyKind(status.Last, status.Last.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : status.Last.Kind)).ToString("O", CultureInfo.InvariantCulture);
            extensions["schedulenext"] = new DateTimeOffset(DateTime.SpecifyKind(status.Next, status.Next.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : status.Next.Kind)).ToString("O", CultureInfo.InvariantCulture);
        }

        return new FunctionEventEnvelope
        {
            Id = context.InvocationId,
            Source = TimerSources.For(functionName),
            Type = TimerType,
            Time = now,
            DataContentType = Json,
            Extensions = extensions,
            BoundData = new ScheduleTick { ScheduledTime = now, IsPastDue = timer.IsPastDue },
        };
    }

    /// <summary>
    /// A trigger metadata value as text: the worker hands strings, numbers, or JSON text (a quoted string for a JSON
    /// string value), depending on how the host typed it.
    /// </summary>
    internal static string? Text(IReadOnlyDictionary<string, object?> data, string name)
    {
        if (!data.TryGetValue(name, out var value) || value is null)
        {
            return null;
        }

        var text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            JsonElement element => element.GetRawText(),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        if (text is ['"', .., '"'])
        {
            if (IsPlainJsonString(text))
            {
                return text.Length > 2 ? text[1..^1] : null;
            }

            try
            {
                text = JsonSerializer.Deserialize(text, AzureJsonContext.Default.String);
            }
            catch (JsonException)
            {
                // Not a JSON string after all: keep it as it came.
            }
        }

        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>
    /// A time from the trigger metadata. The host sends times as JSON strings: one without escapes is parsed between its
    /// quotes, where <see cref="Text"/> would first copy it out.
    /// </summary>
    private static DateTimeOffset? Time(IReadOnlyDictionary<string, object?> data, string name)
    {
        var text = data.TryGetValue(name, out var value) && value is string { Length: > 2 } quoted and ['"', .., '"'] && IsPlainJsonString(quoted)
            ? quoted.AsSpan(1, quoted.Length - 2)
            : Text(data, name);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    /// <summary>
    /// Whether a quoted text is a JSON string whose value is simply what lies between its quotes: printable ASCII, no
    /// escapes, no inner quotes. Anything else goes through the JSON reader.
    /// </summary>
    private static bool IsPlainJsonString(string quoted) =>
        !quoted.AsSpan(1, quoted.Length - 2).ContainsAnyExcept(PlainJsonCharacters);

    private static Dictionary<string, object?> Properties(IReadOnlyDictionary<string, object?> data)
    {
        var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (Text(data, "Properties") is not { } json)
        {
            return properties;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    properties[property.Name] = property.Value.Clone();
                }
            }
        }
        catch (JsonException)
        {
            // Properties that do not parse are left out; the change keeps what the path and the content say.
        }

        return properties;
    }

    private static long? Number(IReadOnlyDictionary<string, object?> properties, string name) =>
        long.TryParse(Text(properties, name), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string? String(IReadOnlyDictionary<string, object?> properties, string name) => Text(properties, name);

    private static void AddIfSet(Dictionary<string, string> extensions, string name, string? value)
    {
        if (value is not null)
        {
            extensions[name] = value;
        }
    }

    /// <summary>JSON objects and arrays are declared JSON; anything else is text, which a string data type reads as it is.</summary>
    private static string Sniff(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && (trimmed[0] == (byte)'{' || trimmed[0] == (byte)'[') ? Json : "text/plain; charset=utf-8";
    }
}

/// <summary>
/// The <c>source</c> of the events of one trigger kind, a prefix and a name (a queue's, a timer function's): made once
/// per name rather than per event. The names are the triggers' own, so they are few; past a bound, sources are made
/// afresh rather than kept.
/// </summary>
internal sealed class SourceCache(string prefix)
{
    private const int MaxNames = 256;

    private readonly ConcurrentDictionary<string, string> _sources = new(StringComparer.Ordinal);

    /// <summary>The source for a name: the prefix, then the name.</summary>
    public string For(string name)
    {
        if (_sources.TryGetValue(name, out var source))
        {
            return source;
        }

        source = prefix + name;
        if (_sources.Count < MaxNames)
        {
            _sources.TryAdd(name, source);
        }

        return source;
    }
}

/// <summary>Source-generated JSON for what the adapter reads itself.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class AzureJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
