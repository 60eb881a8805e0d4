using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>Reads the Kinesis Data Streams event with <see cref="Utf8JsonReader"/> directly, as <see cref="SqsJson"/> does the SQS event.</summary>
internal static class KinesisJson
{
    // The same in every record of a stream's batches: one string each, not one per record.
    private static readonly RepeatedText EventSourceArns = new(), Regions = new();

    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    /// <param name="payload">The event.</param>
    /// <param name="rentData">Whether each record's data may be decoded into an array rented from the shared pool (<see cref="KinesisData.RentedData"/>).</param>
    public static List<KinesisRecord?>? ReadRecords(ReadOnlySpan<byte> payload, bool rentData = false) =>
        EnvelopeReader.ReadRecords<KinesisRecord>(payload, rentData ? static (ref reader) => ReadRecord(ref reader, rentData: true) : static (ref reader) => ReadRecord(ref reader, rentData: false));

    private static KinesisRecord ReadRecord(ref Utf8JsonReader reader, bool rentData)
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
                record.EventSourceArn = ReadRepeatedString(ref reader, ".eventSourceARN", EventSourceArns);
            }
            else if (reader.ValueTextEquals("awsRegion"u8))
            {
                record.AwsRegion = ReadRepeatedString(ref reader, ".awsRegion", Regions);
            }
            else if (reader.ValueTextEquals("kinesis"u8))
            {
                record.Kinesis = ReadData(ref reader, rentData);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return record;
    }

    private static KinesisData? ReadData(ref Utf8JsonReader reader, bool rentData)
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
                if (!(rentData && TryDecodeRented(ref reader, data)))
                {
                    data.Data = ReadString(ref reader, ".kinesis.data");
                }
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

    /// <summary>
    /// Decodes the usual data — a plain base64 string — straight from the event's bytes into a rented array, without the
    /// base64 text as a string or an array of its own; anything else (escapes, whitespace, invalid base64, another
    /// type) is left for the string path, which decides and words it as before.
    /// </summary>
    private static bool TryDecodeRented(ref Utf8JsonReader reader, KinesisData data)
    {
        var ahead = reader;
        ahead.Read();
        if (ahead.TokenType != JsonTokenType.String || ahead.ValueIsEscaped)
        {
            return false;
        }

        var text = ahead.ValueSpan;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(text.Length)));
        if (Base64.DecodeFromUtf8(text, rented, out var consumed, out var written) != OperationStatus.Done || consumed != text.Length)
        {
            RentedArrays.Return(rented);
            return false;
        }

        data.RentedData = new ArraySegment<byte>(rented, 0, written);
        reader = ahead;
        return true;
    }
}
