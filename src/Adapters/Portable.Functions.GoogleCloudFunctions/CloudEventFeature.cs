using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// The CloudEvent an event invocation received — after legacy-event conversion, before any data unwrapping — offered
/// through <c>FunctionContext.GetFeature&lt;CloudEventFeature&gt;()</c> for functions that want Google's own shapes.
/// </summary>
public sealed class CloudEventFeature
{
    private static readonly JsonEventFormatter Formatter = new();

    private CloudEvent? _cloudEvent;

    internal CloudEventFeature(FunctionEventEnvelope original)
    {
        Original = original;
    }

    /// <summary>Gets the event's attributes and undecoded data, as received (or converted from a legacy event).</summary>
    public FunctionEventEnvelope Original { get; }

    /// <summary>Gets the event as a CloudEvents SDK <see cref="CloudEvent"/>; JSON data is a <see cref="System.Text.Json.JsonElement"/>, text a string, other data a byte array.</summary>
    public CloudEvent CloudEvent => _cloudEvent ??= Create(Original);

    private static CloudEvent Create(FunctionEventEnvelope envelope)
    {
        var version = CloudEventsSpecVersion.FromVersionId(envelope.SpecVersion) ?? CloudEventsSpecVersion.Default;
        var cloudEvent = new CloudEvent(version)
        {
            Id = envelope.Id,
            Source = new Uri(envelope.Source, UriKind.RelativeOrAbsolute),
            Type = envelope.Type,
            Subject = envelope.Subject,
            Time = envelope.Time,
            DataContentType = envelope.DataContentType,
            DataSchema = envelope.DataSchema is null ? null : new Uri(envelope.DataSchema, UriKind.RelativeOrAbsolute),
        };
        foreach (var (name, value) in envelope.Extensions)
        {
            try
            {
                cloudEvent.SetAttributeFromString(name, value);
            }
            catch (ArgumentException)
            {
                // Not a valid CloudEvents attribute name or value: it stays in FunctionEvent.Extensions only.
            }
        }

        if (!envelope.Data.IsEmpty)
        {
            // The SDK's own decoding: JSON data becomes a JsonElement, text a string, anything else stays bytes.
            Formatter.DecodeBinaryModeEventData(envelope.Data, cloudEvent);
        }

        return cloudEvent;
    }
}
