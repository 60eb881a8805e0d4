using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>Reads the Kinesis Data Streams event with <see cref="Utf8JsonReader"/> directly, as <see cref="SqsJson"/> does the SQS event.</summary>
internal static class KinesisJson
{
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    public static List<KinesisRecord?>? ReadRecords(ReadOnlySpan<byte> payload) => EnvelopeReader.ReadRecords<KinesisRecord>(payload, ReadRecord);

    private static KinesisRecord ReadRecord(ref Utf8JsonReader reader)
    {
        var record = new KinesisRecord();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("eventID"u8))
            {
                record.EventId = ReadString(ref reader, ".eventID");
            }
            else if (reader.ValueTextEquals("eventSourceARN"u8))
            {
                record.EventSourceArn = ReadString(ref reader, ".eventSourceARN");
            }
            else if (reader.ValueTextEquals("awsRegion"u8))
            {
                record.AwsRegion = ReadString(ref reader, ".awsRegion");
            }
            else if (reader.ValueTextEquals("kinesis"u8))
            {
                record.Kinesis = ReadData(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return record;
    }

    private static KinesisData? ReadData(ref Utf8JsonReader reader)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, ".kinesis"))
        {
            return null;
        }
        var data = new KinesisData();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("partitionKey"u8))
            {
                data.PartitionKey = ReadString(ref reader, ".kinesis.partitionKey");
            }
            else if (reader.ValueTextEquals("sequenceNumber"u8))
            {
                data.SequenceNumber = ReadString(ref reader, ".kinesis.sequenceNumber");
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                data.Data = ReadString(ref reader, ".kinesis.data");
            }
            else if (reader.ValueTextEquals("approximateArrivalTimestamp"u8))
            {
                data.ApproximateArrivalTimestamp = ReadDouble(ref reader, ".kinesis.approximateArrivalTimestamp");
            }
            else
            {
                Skip(ref reader);
            }
        }

        return data;
    }
}
