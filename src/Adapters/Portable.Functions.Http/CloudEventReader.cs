using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;

namespace Portable.Functions.Http;

/// <summary>How a request carries its event(s).</summary>
internal enum EventRequestMode
{
    /// <summary>Not a CloudEvent: a plain body, wrapped as an event by the host.</summary>
    Plain,

    /// <summary>A binary-mode CloudEvent: attributes in <c>ce-</c> headers, data in the body.</summary>
    Binary,

    /// <summary>A structured-mode CloudEvent: <c>application/cloudevents+json</c>.</summary>
    Structured,

    /// <summary>A batch of structured CloudEvents: <c>application/cloudevents-batch+json</c>.</summary>
    Batch,
}

/// <summary>
/// Decodes CloudEvents from HTTP requests in binary, structured and batch mode with the CloudEvents SDK, and turns
/// them into <see cref="FunctionEventEnvelope"/>s. Any decoding failure is a <see cref="CloudEventFormatException"/>
/// whose message is safe to show a caller.
/// </summary>
internal static class CloudEventReader
{
    private static readonly JsonEventFormatter Formatter = new();
    private static readonly Dictionary<string, string> NoExtensions = new(0, StringComparer.Ordinal);

    /// <summary>
    /// Decides the mode as the CloudEvents HTTP binding does: a CloudEvents media type means structured (or batch)
    /// mode even when <c>ce-</c> headers are present too (the C# SDK sends both); otherwise a <c>ce-specversion</c>
    /// header means binary mode.
    /// </summary>
    public static EventRequestMode GetMode(HttpRequest request)
    {
        if (request.ContentType is { } contentType)
        {
            var mediaType = MediaTypes.GetMediaType(contentType);
            if (mediaType.Equals(MediaTypes.CloudEventBatchJson, StringComparison.OrdinalIgnoreCase))
            {
                return EventRequestMode.Batch;
            }

            if (mediaType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
            {
                return EventRequestMode.Structured;
            }
        }

        return request.Headers.ContainsKey("ce-specversion") ? EventRequestMode.Binary : EventRequestMode.Plain;
    }

    public static FunctionEventEnvelope ReadBinary(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        var versionId = DecodeHeader("ce-specversion", request.Headers["ce-specversion"].ToString());
        var version = CloudEventsSpecVersion.FromVersionId(versionId)
            ?? throw new CloudEventFormatException($"Unsupported CloudEvents specversion '{versionId}'.");
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
                throw new CloudEventFormatException($"The CloudEvent attribute '{attributeName}' (header '{name}') has an invalid name or value.");
            }
        }

        if (request.ContentType is { Length: > 0 } contentType)
        {
            cloudEvent.DataContentType = contentType;
        }

        return ToEnvelope(cloudEvent, body);
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
            throw new CloudEventFormatException($"The header '{name}' is not validly percent-encoded.");
        }
    }

    public static FunctionEventEnvelope ReadStructured(string contentType, ReadOnlyMemory<byte> body)
    {
        if (!MediaTypes.IsJson(contentType))
        {
            throw new CloudEventFormatException($"Structured-mode CloudEvents are read as JSON; '{contentType}' is not supported.");
        }

        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), extensionAttributes: null);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or FormatException)
        {
            throw new CloudEventFormatException(DescribeStructuredFailure(exception));
        }

        return ToEnvelope(cloudEvent, EncodeData(cloudEvent));
    }

    public static IReadOnlyList<FunctionEventEnvelope> ReadBatch(string contentType, ReadOnlyMemory<byte> body)
    {
        IReadOnlyList<CloudEvent> cloudEvents;
        try
        {
            cloudEvents = Formatter.DecodeBatchModeMessage(body, new ContentType(contentType), extensionAttributes: null);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or FormatException)
        {
            throw new CloudEventFormatException(DescribeStructuredFailure(exception));
        }

        var envelopes = new FunctionEventEnvelope[cloudEvents.Count];
        for (var i = 0; i < envelopes.Length; i++)
        {
            envelopes[i] = ToEnvelope(cloudEvents[i], EncodeData(cloudEvents[i]));
        }

        return envelopes;
    }

    private static string DescribeStructuredFailure(Exception exception) => exception switch
    {
        JsonException json when json.LineNumber is { } line =>
            $"The structured CloudEvent is not valid JSON (line {line + 1}, position {(json.BytePositionInLine ?? 0) + 1}).",
        JsonException => "The structured CloudEvent is not valid JSON.",
        _ => "The body is not a valid structured CloudEvent: " + SafeMessage(exception.Message),
    };

    /// <summary>The SDK's argument messages name the missing or malformed attribute; keep the first sentence only.</summary>
    private static string SafeMessage(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private static ReadOnlyMemory<byte> EncodeData(CloudEvent cloudEvent) => cloudEvent.Data switch
    {
        null => ReadOnlyMemory<byte>.Empty,
        byte[] bytes => bytes,
        JsonElement element => JsonSerializer.SerializeToUtf8Bytes(element, HttpHostJsonContext.Default.JsonElement),
        string text => Encoding.UTF8.GetBytes(text),
        _ => throw new CloudEventFormatException("The CloudEvent's data has a shape that cannot be read."),
    };

    private static FunctionEventEnvelope ToEnvelope(CloudEvent cloudEvent, ReadOnlyMemory<byte> data)
    {
        if (!cloudEvent.IsValid)
        {
            var missing = new List<string>(3);
            if (cloudEvent.Id is null)
            {
                missing.Add("id");
            }

            if (cloudEvent.Source is null)
            {
                missing.Add("source");
            }

            if (cloudEvent.Type is null)
            {
                missing.Add("type");
            }

            throw new CloudEventFormatException("The CloudEvent lacks required attributes: " + string.Join(", ", missing) + ".");
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
}

/// <summary>A request that claims to be a CloudEvent but is not a valid one; its message is safe to show a caller.</summary>
internal sealed class CloudEventFormatException(string message) : Exception(message);
