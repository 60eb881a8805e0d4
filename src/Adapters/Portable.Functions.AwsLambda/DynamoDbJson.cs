using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the DynamoDB Streams event with <see cref="Utf8JsonReader"/> directly, as <see cref="SqsJson"/> does the SQS
/// event; each record's <c>dynamodb</c> member is kept whole (a <see cref="JsonElement"/>), as the function receives it.
/// </summary>
internal static class DynamoDbJson
{
    // The same in every record of a table stream's batches: one string each, not one per record.
    private static readonly RepeatedText EventSourceArns = new(), Regions = new();

    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    public static List<DynamoDbRecord?>? ReadRecords(ReadOnlySpan<byte> payload) => EnvelopeReader.ReadRecords<DynamoDbRecord>(payload, ReadRecord);

    private static DynamoDbRecord ReadRecord(ref Utf8JsonReader reader)
    {
        var record = new DynamoDbRecord();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("eventID"u8))
            {
                record.EventId = ReadString(ref reader, ".eventID");
            }
            else if (reader.ValueTextEquals("eventName"u8))
            {
                record.EventName = ReadString(ref reader, ".eventName");
            }
            else if (reader.ValueTextEquals("eventSourceARN"u8))
            {
                record.EventSourceArn = ReadRepeatedString(ref reader, ".eventSourceARN", EventSourceArns);
            }
            else if (reader.ValueTextEquals("awsRegion"u8))
            {
                record.AwsRegion = ReadRepeatedString(ref reader, ".awsRegion", Regions);
            }
            else if (reader.ValueTextEquals("dynamodb"u8))
            {
                reader.Read();
                record.Dynamodb = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return record;
    }
}
