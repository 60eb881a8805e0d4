using System.Net.Mime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Core;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;

namespace Portable.Functions.Http;

/// <summary>How an HTTP request carries its event(s), by the CloudEvents HTTP protocol binding.</summary>
public enum CloudEventRequestMode
{
    /// <summary>Not a CloudEvent: a plain body, which becomes an event of type <see cref="FunctionEvent.HttpRequestType"/>.</summary>
    None = 0,

    /// <summary>A binary-mode CloudEvent: attributes in <c>ce-</c> headers, data in the body.</summary>
    Binary = 1,

    /// <summary>A structured-mode CloudEvent: <c>application/cloudevents+json</c>.</summary>
    Structured = 2,

    /// <summary>A batch of structured CloudEvents: <c>application/cloudevents-batch+json</c>.</summary>
    Batch = 3,
}

/// <summary>
/// Decodes CloudEvents from ASP.NET Core requests in binary, structured and batch mode with the CloudEvents SDK, into
/// <see cref="FunctionEventEnvelope"/>s whose data is left undecoded for the core to bind. Every decoding failure is an
/// <see cref="InvalidCloudEventException"/> whose message is safe to show a caller.
/// </summary>
public static class CloudEventRequestReader
{
    private static readonly UndecodedDataFormatter Formatter = new();
    private static readonly Dictionary<string, string> NoExtensions = new(0, StringComparer.Ordinal);

    private const string V1_0Id = "1.0";

    /// <summary>
    /// Decides the mode as the HTTP binding does: a CloudEvents media type means structured (or batch) mode even when
    /// <c>ce-</c> headers are present too (the C# SDK sends both); otherwise a <c>ce-specversion</c> header means binary
    /// mode.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The mode.</returns>
    public static CloudEventRequestMode GetMode(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var contentType = request.ContentType;
        if (MimeUtilities.IsCloudEventsBatchContentType(contentType))
        {
            return CloudEventRequestMode.Batch;
        }

        if (MimeUtilities.IsCloudEventsContentType(contentType))
        {
            return CloudEventRequestMode.Structured;
        }

        return request.Headers.ContainsKey(HttpUtilities.SpecVersionHttpHeader) ? CloudEventRequestMode.Binary : CloudEventRequestMode.None;
    }

    /// <summary>Reads a binary-mode CloudEvent: percent-decoded <c>ce-</c> headers, <c>Content-Type</c> as <c>datacontenttype</c>, the body as data.</summary>
    /// <param name="request">The request.</param>
    /// <param name="body">The buffered body.</param>
    /// <returns>The event.</returns>
    /// <exception cref="InvalidCloudEventException">The headers do not make a valid CloudEvent.</exception>
    public static FunctionEventEnvelope ReadBinary(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TryReadPlainBinary(request, body) ?? ReadBinaryWithSdk(request, body);
    }

    /// <summary>
    /// Reads the common binary-mode event — version 1.0, only the spec's own attributes, a plain media type — without
    /// an SDK <see cref="CloudEvent"/>: each attribute is parsed and validated by the SDK's own definition of it, as
    /// <see cref="CloudEvent.SetAttributeFromString"/> would, but nothing is stored twice, no attribute name is cut out of
    /// its header name, and the media type is not parsed into a <see cref="ContentType"/> (twice: set, then read back).
    /// Anything else — another version, an extension, <c>ce-datacontenttype</c>, a media type with more to it — returns
    /// <see langword="null"/> before anything is decided, for <see cref="ReadBinaryWithSdk"/> to read as it always has;
    /// an invalid attribute fails here just as it would there, at the same header and with the same message.
    /// </summary>
    private static FunctionEventEnvelope? TryReadPlainBinary(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        var headers = request.Headers;
        if (headers[HttpUtilities.SpecVersionHttpHeader] is not [V1_0Id])
        {
            return null;
        }

        var version = CloudEventsSpecVersion.V1_0;
        string? id = null, type = null, subject = null;
        Uri? source = null, dataSchema = null;
        DateTimeOffset? time = null;
        foreach (var (name, values) in headers)
        {
            var attribute = SpecAttributeOf(name, version);
            if (attribute is null)
            {
                if (HttpUtilities.GetAttributeNameFromHeaderName(name) is null)
                {
                    continue; // not a CloudEvents header
                }

                return null; // an extension, or an attribute read the SDK's way
            }

            if (attribute == CloudEventsSpecVersion.SpecVersionAttribute)
            {
                continue;
            }

            var value = DecodeHeader(name, values.ToString());
            if (attribute == version.TimeAttribute && CloudEventText.TryParsePlainTimestamp(value, out var plainTime))
            {
                time = plainTime;
                continue;
            }

            object parsed;
            try
            {
                parsed = attribute.Parse(value);
            }
            catch (ArgumentException)
            {
                throw new InvalidCloudEventException($"The CloudEvent attribute '{attribute.Name}' (header '{name}') has an invalid name or value.");
            }

            if (attribute == version.IdAttribute)
            {
                id = (string)parsed;
            }
            else if (attribute == version.SourceAttribute)
            {
                source = (Uri)parsed;
            }
            else if (attribute == version.TypeAttribute)
            {
                type = (string)parsed;
            }
            else if (attribute == version.SubjectAttribute)
            {
                subject = (string)parsed;
            }
            else if (attribute == version.TimeAttribute)
            {
                time = (DateTimeOffset)parsed;
            }
            else
            {
                dataSchema = (Uri)parsed;
            }
        }

        var dataContentType = request.ContentType is { Length: > 0 } contentType ? contentType : null;
        if (dataContentType is not null && !CloudEventText.IsPlainMediaType(dataContentType))
        {
            return null;
        }

        ThrowIfIncomplete(id, source, type);
        return new FunctionEventEnvelope
        {
            SpecVersion = version.VersionId,
            Id = id!,
            Source = source!.OriginalString,
            Type = type!,
            Subject = subject,
            Time = time,
            DataContentType = dataContentType,
            DataSchema = dataSchema?.OriginalString,
            Data = body,
            Extensions = NoExtensions,
        };
    }

    /// <summary>
    /// The spec attribute a header carries, when its name is <c>ce-</c> and one of the names
    /// <see cref="TryReadPlainBinary"/> reads (in ASCII, in any case — what the SDK would lower-case to that name);
    /// otherwise <see langword="null"/>.
    /// </summary>
    private static CloudEventAttribute? SpecAttributeOf(string headerName, CloudEventsSpecVersion version)
    {
        if (headerName.Length <= 3 || !Ascii.EqualsIgnoreCase(headerName.AsSpan(0, 3), "ce-"))
        {
            return null;
        }

        var name = headerName.AsSpan(3);
        return Ascii.EqualsIgnoreCase(name, "id") ? version.IdAttribute
            : Ascii.EqualsIgnoreCase(name, "source") ? version.SourceAttribute
            : Ascii.EqualsIgnoreCase(name, "type") ? version.TypeAttribute
            : Ascii.EqualsIgnoreCase(name, "subject") ? version.SubjectAttribute
            : Ascii.EqualsIgnoreCase(name, "time") ? version.TimeAttribute
            : Ascii.EqualsIgnoreCase(name, "dataschema") ? version.DataSchemaAttribute
            : Ascii.EqualsIgnoreCase(name, "specversion") ? CloudEventsSpecVersion.SpecVersionAttribute
            : null;
    }

    /// <summary>Reads a binary-mode CloudEvent through an SDK <see cref="CloudEvent"/>, for what <see cref="TryReadPlainBinary"/> leaves.</summary>
    internal static FunctionEventEnvelope ReadBinaryWithSdk(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        var versionId = DecodeHeader(HttpUtilities.SpecVersionHttpHeader, request.Headers[HttpUtilities.SpecVersionHttpHeader].ToString());
        var version = CloudEventsSpecVersion.FromVersionId(versionId)
            ?? throw new InvalidCloudEventException($"Unsupported CloudEvents specversion '{versionId}'.");
        var cloudEvent = new CloudEvent(version);
        foreach (var (name, values) in request.Headers)
        {
            var attributeName = HttpUtilities.GetAttributeNameFromHeaderName(name);
            if (attributeName is null || attributeName == CloudEventsSpecVersion.SpecVersionAttribute.Name)
            {
                continue;
            }

            var value = DecodeHeader(name, values.ToString());
            try
            {
                cloudEvent.SetAttributeFromString(attributeName, value);
            }
            catch (ArgumentException)
            {
                throw new InvalidCloudEventException($"The CloudEvent attribute '{attributeName}' (header '{name}') has an invalid name or value.");
            }
        }

        if (request.ContentType is { Length: > 0 } contentType)
        {
            try
            {
                cloudEvent.DataContentType = contentType;
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException)
            {
                // The SDK parses the media type: one it cannot parse is the client's mistake, not the host's.
                throw new InvalidCloudEventException("The request's Content-Type (the CloudEvent's datacontenttype) is not a valid media type.");
            }
        }

        return ToEnvelope(cloudEvent, body);
    }

    /// <summary>Reads a structured-mode CloudEvent (JSON format).</summary>
    /// <param name="contentType">The request's <c>Content-Type</c>.</param>
    /// <param name="body">The buffered body.</param>
    /// <returns>The event.</returns>
    /// <exception cref="InvalidCloudEventException">The body is not a valid structured CloudEvent in the JSON format.</exception>
    public static FunctionEventEnvelope ReadStructured(string contentType, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(body, ParseJsonContentType(contentType), extensionAttributes: null);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidCloudEventException(DescribeStructuredFailure(exception));
        }

        return ToEnvelope(cloudEvent, cloudEvent.Data as byte[] ?? ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Reads a batch of structured-mode CloudEvents (JSON format).</summary>
    /// <param name="contentType">The request's <c>Content-Type</c>.</param>
    /// <param name="body">The buffered body.</param>
    /// <returns>The events, in order.</returns>
    /// <exception cref="InvalidCloudEventException">The body is not a valid batch, or one of its events is not valid.</exception>
    public static IReadOnlyList<FunctionEventEnvelope> ReadBatch(string contentType, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        IReadOnlyList<CloudEvent> cloudEvents;
        try
        {
            cloudEvents = Formatter.DecodeBatchModeMessage(body, ParseJsonContentType(contentType), extensionAttributes: null);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidCloudEventException(DescribeStructuredFailure(exception));
        }

        var envelopes = new FunctionEventEnvelope[cloudEvents.Count];
        for (var i = 0; i < envelopes.Length; i++)
        {
            envelopes[i] = ToEnvelope(cloudEvents[i], cloudEvents[i].Data as byte[] ?? ReadOnlyMemory<byte>.Empty);
        }

        return envelopes;
    }

    private static ContentType ParseJsonContentType(string contentType)
    {
        var parsed = MimeUtilities.CreateContentTypeOrNull(contentType);
        if (parsed is null || !Formatter.IsJson(parsed.MediaType))
        {
            throw new InvalidCloudEventException($"Structured-mode CloudEvents are read in the JSON format; '{contentType}' is not supported.");
        }

        return parsed;
    }

    /// <summary>Percent-decodes a binary-mode header value as the HTTP binding requires.</summary>
    private static string DecodeHeader(string name, string value)
    {
        try
        {
            return HttpUtilities.DecodeHeaderValue(value);
        }
        catch (ArgumentException)
        {
            throw new InvalidCloudEventException($"The header '{name}' is not validly percent-encoded.");
        }
    }

    private static string DescribeStructuredFailure(Exception exception) => exception switch
    {
        JsonException json when json.LineNumber is { } line =>
            $"The structured CloudEvent is not valid JSON (line {line + 1}, position {(json.BytePositionInLine ?? 0) + 1}).",
        JsonException => "The structured CloudEvent is not valid JSON.",

        // System.Text.Json checks a string's text only when it is read: invalid UTF-8 or a lone surrogate escape.
        InvalidOperationException => "The structured CloudEvent has a string that is not valid UTF-8 or UTF-16 text.",
        _ => "The body is not a valid structured CloudEvent: " + SafeMessage(exception.Message),
    };

    /// <summary>The SDK's argument messages name the missing or malformed attribute; keep the first sentence only.</summary>
    private static string SafeMessage(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    /// <exception cref="InvalidCloudEventException">A required attribute is missing.</exception>
    private static void ThrowIfIncomplete(string? id, Uri? source, string? type)
    {
        if (id is not null && source is not null && type is not null)
        {
            return;
        }

        var missing = new List<string>(3);
        if (id is null)
        {
            missing.Add("id");
        }

        if (source is null)
        {
            missing.Add("source");
        }

        if (type is null)
        {
            missing.Add("type");
        }

        throw new InvalidCloudEventException("The CloudEvent lacks required attributes: " + string.Join(", ", missing) + ".");
    }

    private static FunctionEventEnvelope ToEnvelope(CloudEvent cloudEvent, ReadOnlyMemory<byte> data)
    {
        if (!cloudEvent.IsValid)
        {
            ThrowIfIncomplete(cloudEvent.Id, cloudEvent.Source, cloudEvent.Type);
        }

        Dictionary<string, string>? extensions = null;
        foreach (var attribute in cloudEvent.ExtensionAttributes)
        {
            if (cloudEvent[attribute] is { } value)
            {
                extensions ??= new Dictionary<string, string>(StringComparer.Ordinal);
                extensions[attribute.Name] = attribute.Format(value);
            }
        }

        return new FunctionEventEnvelope
        {
            SpecVersion = cloudEvent.SpecVersion.VersionId,
            Id = cloudEvent.Id!,
            Source = cloudEvent.Source!.OriginalString,
            Type = cloudEvent.Type!,
            Subject = cloudEvent.Subject,
            Time = cloudEvent.Time,
            DataContentType = cloudEvent.DataContentType,
            DataSchema = cloudEvent.DataSchema?.OriginalString,
            Data = data,
            Extensions = extensions ?? NoExtensions,
        };
    }

    /// <summary>
    /// The SDK's JSON formatter, through its data hook: structured-mode <c>data</c> is kept as the bytes it arrived as
    /// (its JSON text; the value of a string for a non-JSON <c>datacontenttype</c>), for the core to bind, instead of a
    /// <see cref="JsonElement"/> to serialize again.
    /// </summary>
    private sealed class UndecodedDataFormatter : JsonEventFormatter
    {
        public bool IsJson(string mediaType) => IsJsonMediaType(mediaType);

        protected override void DecodeStructuredModeDataProperty(JsonElement dataElement, CloudEvent cloudEvent)
        {
            cloudEvent.Data = dataElement.ValueKind == JsonValueKind.String && cloudEvent.DataContentType is { } contentType && !IsJsonMediaType(contentType)
                ? Encoding.UTF8.GetBytes(dataElement.GetString()!)
                : JsonMarshal.GetRawUtf8Value(dataElement).ToArray();
        }
    }
}

/// <summary>
/// A request that claims to carry an event — a CloudEvent, or a platform event converted to one — is not a valid one.
/// Its message says what is wrong and is safe to show a caller; <see cref="FunctionRequestHandler"/> answers it with
/// <see cref="FunctionProblems.InvalidCloudEvent"/> (400).
/// </summary>
public sealed class InvalidCloudEventException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="InvalidCloudEventException"/> class.</summary>
    public InvalidCloudEventException()
        : base("The request is not a valid CloudEvent.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCloudEventException"/> class.</summary>
    /// <param name="message">What is wrong with the event, safe to show a caller.</param>
    public InvalidCloudEventException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCloudEventException"/> class.</summary>
    /// <param name="message">What is wrong with the event, safe to show a caller.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public InvalidCloudEventException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
