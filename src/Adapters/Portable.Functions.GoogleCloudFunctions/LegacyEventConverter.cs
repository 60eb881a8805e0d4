using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Functions.Http;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Converts legacy Cloud Functions background events (the "GCF HTTP" format, nested or flat) and raw Pub/Sub push
/// bodies into CloudEvents, following the Functions Framework's published legacy-event mapping.
/// </summary>
internal static class LegacyEventConverter
{
    private const string PubSubService = "pubsub.googleapis.com";
    private const string StorageService = "storage.googleapis.com";
    private const string FirestoreService = "firestore.googleapis.com";
    private const string DatabaseService = "firebasedatabase.googleapis.com";
    private const string AuthService = "firebaseauth.googleapis.com";
    private const string AnalyticsService = "firebaseanalytics.googleapis.com";
    private const string RemoteConfigService = "firebaseremoteconfig.googleapis.com";

    /// <summary>The CloudEvents type of a Pub/Sub message.</summary>
    public const string PubSubMessagePublished = "google.cloud.pubsub.topic.v1.messagePublished";

    private static readonly Dictionary<string, string> TypeMap = new(StringComparer.Ordinal)
    {
        ["google.pubsub.topic.publish"] = PubSubMessagePublished,
        ["providers/cloud.pubsub/eventTypes/topic.publish"] = PubSubMessagePublished,
        ["google.storage.object.finalize"] = "google.cloud.storage.object.v1.finalized",
        ["google.storage.object.delete"] = "google.cloud.storage.object.v1.deleted",
        ["google.storage.object.archive"] = "google.cloud.storage.object.v1.archived",
        ["google.storage.object.metadataUpdate"] = "google.cloud.storage.object.v1.metadataUpdated",
        ["providers/cloud.storage/eventTypes/object.change"] = "google.cloud.storage.object.v1.changed",
        ["providers/cloud.firestore/eventTypes/document.write"] = "google.cloud.firestore.document.v1.written",
        ["providers/cloud.firestore/eventTypes/document.create"] = "google.cloud.firestore.document.v1.created",
        ["providers/cloud.firestore/eventTypes/document.update"] = "google.cloud.firestore.document.v1.updated",
        ["providers/cloud.firestore/eventTypes/document.delete"] = "google.cloud.firestore.document.v1.deleted",
        ["providers/firebase.auth/eventTypes/user.create"] = "google.firebase.auth.user.v1.created",
        ["providers/firebase.auth/eventTypes/user.delete"] = "google.firebase.auth.user.v1.deleted",
        ["providers/firebase.remoteConfig/remoteconfig.update"] = "google.firebase.remoteconfig.remoteConfig.v1.updated",
        ["google.firebase.remoteconfig.update"] = "google.firebase.remoteconfig.remoteConfig.v1.updated",
        ["providers/google.firebase.analytics/eventTypes/event.log"] = "google.firebase.analytics.log.v1.written",
        ["providers/google.firebase.database/eventTypes/ref.create"] = "google.firebase.database.ref.v1.created",
        ["providers/google.firebase.database/eventTypes/ref.write"] = "google.firebase.database.ref.v1.written",
        ["providers/google.firebase.database/eventTypes/ref.update"] = "google.firebase.database.ref.v1.updated",
        ["providers/google.firebase.database/eventTypes/ref.delete"] = "google.firebase.database.ref.v1.deleted",
    };

    private static readonly (string Prefix, string Service)[] ServiceByTypePrefix =
    [
        ("providers/cloud.firestore/", FirestoreService),
        ("providers/google.firebase.analytics/", AnalyticsService),
        ("providers/firebase.auth/", AuthService),
        ("providers/google.firebase.database/", DatabaseService),
        ("providers/cloud.pubsub/", PubSubService),
        ("providers/cloud.storage/", StorageService),
        ("providers/firebase.remoteConfig/", RemoteConfigService),
        ("google.pubsub.", PubSubService),
        ("google.storage.", StorageService),
        ("google.firebase.remoteconfig.", RemoteConfigService),
    ];

    /// <summary>The most top-level property names <see cref="IsPlainObject"/> compares for duplicates before it leaves a body to the parse.</summary>
    private const int MaxPlainObjectNames = 64;

    /// <summary>
    /// Gets whether a body is plainly an ordinary JSON object: valid JSON, an object at the top, none of whose property
    /// names is one that <see cref="IsLegacyOrPushBody"/> looks for (<c>context</c>, <c>eventType</c>, <c>message</c>),
    /// all of them unescaped valid UTF-8 and none of them twice. Parsed into a <see cref="JsonObject"/>, such a body would
    /// be found neither legacy nor push, and nothing would throw on the way, so the handler need not build the whole
    /// tree to learn that. Anything else (also JSON that is not valid, or a BOM, or very many names) returns
    /// <see langword="false"/>: the parse decides, as it always has.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <returns><see langword="true"/> when the body is plainly an ordinary JSON object.</returns>
    public static bool IsPlainObject(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return false;
        }

        Span<Range> names = stackalloc Range[MaxPlainObjectNames];
        var count = 0;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                if (name.SequenceEqual("context"u8) || name.SequenceEqual("eventType"u8) || name.SequenceEqual("message"u8)
                    || !PlainJsonNames.TryAdd(body, ref reader, names, ref count))
                {
                    return false;
                }

                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0)
            {
                return false;
            }

            while (reader.Read())
            {
                // Whatever follows the object must be nothing (or whitespace): the reader throws on anything else.
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether a JSON body looks like a legacy event or a Pub/Sub push, so it should be converted rather than wrapped.</summary>
    /// <exception cref="InvalidCloudEventException">The body has a property twice, or text that is not valid UTF-8.</exception>
    public static bool IsLegacyOrPushBody(JsonObject root)
    {
        try
        {
            return root["context"] is JsonObject context && context["eventType"] is JsonValue
                || root["eventType"] is JsonValue && root["eventId"] is JsonValue
                || root["message"] is JsonObject && root["subscription"] is JsonValue;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            throw Unreadable(exception);
        }
    }

    /// <summary>Converts a legacy event or a raw Pub/Sub push body into a CloudEvent envelope.</summary>
    /// <param name="root">The parsed request body.</param>
    /// <param name="requestPath">The request path (a Pub/Sub push to <c>/projects/p/topics/t</c> names its topic).</param>
    /// <exception cref="InvalidCloudEventException">The body cannot be converted; the message is safe to show a caller.</exception>
    public static FunctionEventEnvelope Convert(JsonObject root, string requestPath)
    {
        try
        {
            return ConvertCore(root, requestPath);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            throw Unreadable(exception);
        }
    }

    /// <summary>
    /// A parsed body is read lazily: a property named twice (<see cref="ArgumentException"/>) or a string that is not
    /// valid text (<see cref="InvalidOperationException"/>) shows only when it is read.
    /// </summary>
    internal static InvalidCloudEventException Unreadable(Exception exception) =>
        new("The event is not valid JSON: a property appears twice, or a string is not valid UTF-8 or UTF-16 text.", exception);

    private static FunctionEventEnvelope ConvertCore(JsonObject root, string requestPath)
    {
        if (root["message"] is JsonObject && root["subscription"] is JsonValue && root["context"] is null && root["eventType"] is null)
        {
            return ConvertPubSubPush(root, requestPath);
        }

        var context = root["context"] as JsonObject;
        var legacyType = NonEmpty(GetString(context, "eventType") ?? GetString(root, "eventType"))
            ?? throw new InvalidCloudEventException("The legacy event has no eventType.");
        var id = NonEmpty(GetString(context, "eventId") ?? GetString(root, "eventId"))
            ?? throw new InvalidCloudEventException("The legacy event has no eventId.");
        var timestamp = GetString(context, "timestamp") ?? GetString(root, "timestamp");
        var resourceNode = context is not null && context.ContainsKey("resource") ? context["resource"] : root["resource"];
        var (service, resourceName) = ReadResource(resourceNode, legacyType);
        if (!TypeMap.TryGetValue(legacyType, out var type))
        {
            throw new InvalidCloudEventException($"The legacy event type '{legacyType}' has no CloudEvents mapping.");
        }

        var data = root["data"]?.DeepClone();
        string source;
        string? subject = null;
        Dictionary<string, string>? extensions = null;
        switch (service)
        {
            case StorageService:
                (source, subject, var bucket) = SplitStorage(resourceName);
                extensions = new Dictionary<string, string>(StringComparer.Ordinal) { ["bucket"] = bucket };
                break;
            case PubSubService:
                source = "//" + PubSubService + "/" + resourceName;
                data = WrapPubSubMessage(data, id, timestamp);
                extensions = new Dictionary<string, string>(StringComparer.Ordinal) { ["topic"] = LastSegment(resourceName) };
                break;
            case FirestoreService:
                (source, subject) = SplitAt(resourceName, "/documents/", FirestoreService, "documents/");
                break;
            case DatabaseService:
                (source, subject) = SplitDatabase(resourceName, GetString(root, "domain"));
                break;
            case AuthService:
                source = "//" + AuthService + "/" + resourceName;
                if (data is JsonObject user)
                {
                    subject = GetString(user, "uid") is { } uid ? "users/" + uid : null;
                    RenameMetadata(user);
                }

                break;
            case AnalyticsService:
                (source, subject) = SplitAnalytics(resourceName, data);
                break;
            default:
                source = "//" + service + "/" + resourceName;
                break;
        }

        return new FunctionEventEnvelope
        {
            Id = id,
            Source = source,
            Type = type,
            Subject = subject,
            Time = ParseTime(timestamp),
            DataContentType = "application/json",
            Data = Serialize(data),
            Extensions = extensions ?? NoExtensions,
        };
    }

    private static readonly Dictionary<string, string> NoExtensions = new(0, StringComparer.Ordinal);

    /// <summary>An empty id or type is as missing as an absent one: a CloudEvent's required attributes are non-empty.</summary>
    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static FunctionEventEnvelope ConvertPubSubPush(JsonObject root, string requestPath)
    {
        var message = (JsonObject)root["message"]!;
        var subscription = GetString(root, "subscription")!;
        var id = NonEmpty(GetString(message, "messageId") ?? GetString(message, "message_id"))
            ?? throw new InvalidCloudEventException("The Pub/Sub push message has no messageId.");
        var publishTime = GetString(message, "publishTime") ?? GetString(message, "publish_time");

        // A push endpoint at /projects/<p>/topics/<t> names its topic; otherwise the subscription is the best source.
        var path = requestPath.TrimStart('/');
        var topic = path.StartsWith("projects/", StringComparison.Ordinal) && path.Contains("/topics/", StringComparison.Ordinal) ? path : null;
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal) { ["subscription"] = subscription };
        if (topic is not null)
        {
            extensions["topic"] = LastSegment(topic);
        }

        return new FunctionEventEnvelope
        {
            Id = id,
            Source = "//" + PubSubService + "/" + (topic ?? subscription),
            Type = PubSubMessagePublished,
            Time = ParseTime(publishTime),
            DataContentType = "application/json",
            Data = Serialize(root),
            Extensions = extensions,
        };
    }

    private static (string Service, string Name) ReadResource(JsonNode? resource, string legacyType)
    {
        string? service = null;
        string? name = null;
        if (resource is JsonObject resourceObject)
        {
            service = GetString(resourceObject, "service");
            name = GetString(resourceObject, "name");
        }
        else if (resource is JsonValue value && value.TryGetValue<string>(out var text))
        {
            name = text;
        }

        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidCloudEventException("The legacy event has no resource name.");
        }

        if (string.IsNullOrEmpty(service))
        {
            foreach (var (prefix, candidate) in ServiceByTypePrefix)
            {
                if (legacyType.StartsWith(prefix, StringComparison.Ordinal))
                {
                    service = candidate;
                    break;
                }
            }
        }

        return (service ?? throw new InvalidCloudEventException($"The service of legacy event type '{legacyType}' is unknown."), name);
    }

    private static (string Source, string Subject, string Bucket) SplitStorage(string resourceName)
    {
        // projects/_/buckets/<bucket>/objects/<object>[#<generation>]
        const string objects = "/objects/";
        var index = resourceName.IndexOf(objects, StringComparison.Ordinal);
        if (!resourceName.StartsWith("projects/_/buckets/", StringComparison.Ordinal) || index < 0)
        {
            throw new InvalidCloudEventException("The Cloud Storage resource name is not projects/_/buckets/<bucket>/objects/<object>.");
        }

        var bucketResource = resourceName[..index];
        var objectName = resourceName[(index + objects.Length)..];
        var hash = objectName.LastIndexOf('#');
        if (hash >= 0 && hash < objectName.Length - 1 && objectName.AsSpan(hash + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            objectName = objectName[..hash];
        }

        return ("//" + StorageService + "/" + bucketResource, "objects/" + objectName, LastSegment(bucketResource));
    }

    private static (string Source, string? Subject) SplitAt(string resourceName, string separator, string service, string subjectPrefix)
    {
        var index = resourceName.IndexOf(separator, StringComparison.Ordinal);
        return index < 0
            ? ("//" + service + "/" + resourceName, null)
            : ("//" + service + "/" + resourceName[..index], subjectPrefix + resourceName[(index + separator.Length)..]);
    }

    private static (string Source, string Subject) SplitDatabase(string resourceName, string? domain)
    {
        // projects/_/instances/<instance>/refs/<path>, with the location taken from the top-level domain.
        if (string.IsNullOrEmpty(domain))
        {
            throw new InvalidCloudEventException("A Firebase Realtime Database event needs its 'domain'.");
        }

        var location = domain == "firebaseio.com" ? "us-central1" : domain.Split('.')[0];
        const string instances = "projects/_/instances/";
        const string refs = "/refs/";
        var refsIndex = resourceName.IndexOf(refs, StringComparison.Ordinal);
        if (!resourceName.StartsWith(instances, StringComparison.Ordinal) || refsIndex < 0)
        {
            throw new InvalidCloudEventException("The Firebase Realtime Database resource name is not projects/_/instances/<instance>/refs/<path>.");
        }

        var instance = resourceName[instances.Length..refsIndex];
        return ($"//{DatabaseService}/projects/_/locations/{location}/instances/{instance}", "refs/" + resourceName[(refsIndex + refs.Length)..]);
    }

    private static (string Source, string Subject) SplitAnalytics(string resourceName, JsonNode? data)
    {
        // projects/<p>/events/<name>; the app id comes from the data.
        const string events = "/events/";
        var index = resourceName.IndexOf(events, StringComparison.Ordinal);
        var appId = data is JsonObject { } root && root["userDim"] is JsonObject { } user && user["appInfo"] is JsonObject { } app
            ? GetString(app, "appId")
            : null;
        if (index < 0 || appId is null)
        {
            throw new InvalidCloudEventException("A Firebase Analytics event needs a projects/<p>/events/<name> resource and userDim.appInfo.appId.");
        }

        return ($"//{AnalyticsService}/{resourceName[..index]}/apps/{appId}", "events/" + resourceName[(index + events.Length)..]);
    }

    private static JsonObject WrapPubSubMessage(JsonNode? data, string id, string? timestamp)
    {
        var message = new JsonObject();
        if (data is JsonObject original)
        {
            foreach (var (name, value) in original)
            {
                message[name] = value?.DeepClone();
            }
        }

        message["messageId"] = id;
        if (ParseTime(timestamp) is { } time)
        {
            message["publishTime"] = FormatPublishTime(time);
        }

        return new JsonObject { ["message"] = message };
    }

    /// <summary>Milliseconds, or microseconds when the time has sub-millisecond precision, always in UTC.</summary>
    private static string FormatPublishTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var format = utc.Ticks % TimeSpan.TicksPerMillisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    private static void RenameMetadata(JsonObject user)
    {
        if (user["metadata"] is not JsonObject metadata)
        {
            return;
        }

        Rename(metadata, "createdAt", "createTime");
        Rename(metadata, "lastSignedInAt", "lastSignInTime");
    }

    private static void Rename(JsonObject obj, string from, string to)
    {
        if (obj.Remove(from, out var value))
        {
            obj[to] = value;
        }
    }

    private static DateTimeOffset? ParseTime(string? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : timestamp is null ? null : throw new InvalidCloudEventException($"The legacy event timestamp '{timestamp}' is not a valid time.");

    private static string LastSegment(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string? GetString(JsonObject? obj, string name) =>
        obj?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static ReadOnlyMemory<byte> Serialize(JsonNode? node)
    {
        if (node is null)
        {
            return "null"u8.ToArray();
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenMemory;
    }
}
