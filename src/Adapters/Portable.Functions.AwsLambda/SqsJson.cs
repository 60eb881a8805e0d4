using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the SQS event (<c>{"Records":[…]}</c>) with <see cref="Utf8JsonReader"/> directly, as
/// <see cref="HttpApiJson"/> does the HTTP API envelope: the generated serializer metadata of a record list and its
/// attribute maps were ~190 type descriptors that every Native AOT start rehydrates.
/// </summary>
internal static class SqsJson
{
    // The same in every record of a queue's batches: one string each, not one per record.
    private static readonly RepeatedText EventSources = new(), EventSourceArns = new(), Regions = new();

    /// <summary>Reads the records' members the adapter maps; a <c>null</c> record stays <c>null</c> (the mapper reports it).</summary>
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a member has the wrong type.</exception>
    /// <summary>The system attributes SQS sends with every record (AWS's <c>MessageSystemAttributeName</c>).</summary>
    private static readonly KnownNames AttributeNames = new(
        "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp", "AWSTraceHeader",
        "SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "DeadLetterQueueSourceArn");

    /// <param name="payload">The event.</param>
    /// <param name="rentBodies">Whether each body goes into an array rented from the shared pool (<see cref="SqsRecord.RentedBody"/>).</param>
    public static SqsEvent ReadEvent(ReadOnlySpan<byte> payload, bool rentBodies = false) =>
        new() { Records = ReadRecords<SqsRecord>(payload, rentBodies ? static (ref reader) => ReadRecord(ref reader, rentBodies: true) : static (ref reader) => ReadRecord(ref reader, rentBodies: false)) };

    private static SqsRecord ReadRecord(ref Utf8JsonReader reader, bool rentBodies)
    {
        var record = new SqsRecord();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("messageId"u8))
            {
                record.MessageId = ReadString(ref reader, ".messageId");
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                if (rentBodies)
                {
                    record.RentedBody = ReadUtf8Rented(ref reader, ".body");
                }
                else
                {
                    record.Body = ReadUtf8(ref reader, ".body");
                }
            }
            else if (reader.ValueTextEquals("attributes"u8))
            {
                // Sized for the four attributes of a standard queue's record (a FIFO queue's seven fit too), so that
                // the map is not made again as they are added.
                record.Attributes = ReadStringMap(ref reader, ".attributes", AttributeNames, capacity: 4);
            }
            else if (reader.ValueTextEquals("messageAttributes"u8))
            {
                record.MessageAttributes = ReadMessageAttributes(ref reader, ".messageAttributes");
            }
            else if (reader.ValueTextEquals("eventSource"u8))
            {
                record.EventSource = ReadRepeatedString(ref reader, ".eventSource", EventSources);
            }
            else if (reader.ValueTextEquals("eventSourceARN"u8))
            {
                record.EventSourceArn = ReadRepeatedString(ref reader, ".eventSourceARN", EventSourceArns);
            }
            else if (reader.ValueTextEquals("awsRegion"u8))
            {
                record.AwsRegion = ReadRepeatedString(ref reader, ".awsRegion", Regions);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return record;
    }

    private static Dictionary<string, SqsMessageAttribute?>? ReadMessageAttributes(ref Utf8JsonReader reader, string path)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, path))
        {
            return null;
        }
        var attributes = new Dictionary<string, SqsMessageAttribute?>(StringComparer.Ordinal);
        while (NextMember(ref reader))
        {
            var name = Text(ref reader, path);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                attributes[name] = null;
                continue;
            }

            try
            {
                attributes[name] = ReadMessageAttribute(ref reader);
            }
            catch (JsonException exception) when (exception.Path is { } inner)
            {
                throw new JsonException(exception.Message, path + "['" + name + "']" + inner, null, null);
            }
        }

        return attributes;
    }

    private static SqsMessageAttribute ReadMessageAttribute(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, string.Empty);
        var attribute = new SqsMessageAttribute();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("stringValue"u8))
            {
                attribute.StringValue = ReadString(ref reader, ".stringValue");
            }
            else if (reader.ValueTextEquals("binaryValue"u8))
            {
                attribute.BinaryValue = ReadString(ref reader, ".binaryValue");
            }
            else if (reader.ValueTextEquals("dataType"u8))
            {
                attribute.DataType = ReadString(ref reader, ".dataType");
            }
            else
            {
                Skip(ref reader);
            }
        }

        return attribute;
    }
}
