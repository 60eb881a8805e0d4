using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the EventBridge event (and scheduled events) with <see cref="Utf8JsonReader"/> directly, as
/// <see cref="HttpApiJson"/> does the HTTP API envelope; <c>detail</c> is kept as the raw JSON of its value.
/// </summary>
internal static class EventBridgeJson
{
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    public static EventBridgeEvent ReadEvent(ReadOnlySpan<byte> payload)
    {
        // The detail's bytes are sliced from the payload, which the reader delegate cannot capture (a span).
        var detail = new DetailRange();
        var bridge = EnvelopeReader.ReadEvent(payload, (ref Utf8JsonReader reader) => ReadMembers(ref reader, detail));
        bridge.Detail = detail.Length > 0 ? payload.Slice(detail.Start, detail.Length).ToArray() : null;
        return bridge;
    }

    private static EventBridgeEvent ReadMembers(ref Utf8JsonReader reader, DetailRange detail)
    {
        var bridge = new EventBridgeEvent();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                bridge.Id = ReadString(ref reader, "$.id");
            }
            else if (reader.ValueTextEquals("detail-type"u8))
            {
                bridge.DetailType = ReadString(ref reader, "$.detail-type");
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                bridge.Source = ReadString(ref reader, "$.source");
            }
            else if (reader.ValueTextEquals("account"u8))
            {
                bridge.Account = ReadString(ref reader, "$.account");
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                bridge.Time = ReadString(ref reader, "$.time");
            }
            else if (reader.ValueTextEquals("region"u8))
            {
                bridge.Region = ReadString(ref reader, "$.region");
            }
            else if (reader.ValueTextEquals("resources"u8))
            {
                bridge.Resources = ReadStrings(ref reader, "$.resources");
            }
            else if (reader.ValueTextEquals("detail"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                (detail.Start, detail.Length) = reader.TokenType == JsonTokenType.Null ? (0, 0) : (start, (int)reader.BytesConsumed - start);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return bridge;
    }

    /// <summary>Where the last <c>detail</c> member's value lies in the payload; empty when it is <c>null</c> or absent.</summary>
    private sealed class DetailRange
    {
        public int Start { get; set; }

        public int Length { get; set; }
    }
}
