using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The hand-written S3 and Kinesis record readers (through <see cref="EnvelopeReader.ReadRecords{T}"/>), over AWS's
/// documented sample events and broken variants, with the serializer's rules (see <see cref="SqsJsonTests"/>) — numbers
/// read from strings too, as the context allowed.
/// </summary>
public sealed class StreamRecordJsonTests
{
    [Fact]
    public void S3ReadRecords_DocumentedEvent_ReadsEveryMappedMember()
    {
        var records = S3Json.ReadRecords(Fixtures.Bytes("s3.json"))!;
        var expected = JsonNode.Parse(Fixtures.Bytes("s3.json"))!["Records"]!.AsArray();

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var json = expected[i]!;
            var record = records[i]!;
            Assert.Equal((string?)json["awsRegion"], record.AwsRegion);
            Assert.Equal((string?)json["eventTime"], record.EventTime);
            Assert.Equal((string?)json["eventName"], record.EventName);
            Assert.Equal((string?)json["responseElements"]?["x-amz-request-id"], record.ResponseElements?["x-amz-request-id"]);
            Assert.Equal((string?)json["s3"]!["bucket"]!["name"], record.S3!.Bucket!.Name);
            Assert.Equal((string?)json["s3"]!["bucket"]!["arn"], record.S3.Bucket.Arn);
            Assert.Equal((string?)json["s3"]!["object"]!["key"], record.S3.Object!.Key);
            Assert.Equal((long?)json["s3"]!["object"]!["size"], record.S3.Object.Size);
            Assert.Equal((string?)json["s3"]!["object"]!["eTag"], record.S3.Object.ETag);
            Assert.Equal((string?)json["s3"]!["object"]!["sequencer"], record.S3.Object.Sequencer);
        }
    }

    [Fact]
    public void KinesisReadRecords_DocumentedEvent_ReadsEveryMappedMember()
    {
        var records = KinesisJson.ReadRecords(Fixtures.Bytes("kinesis.json"))!;
        var expected = JsonNode.Parse(Fixtures.Bytes("kinesis.json"))!["Records"]!.AsArray();

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var json = expected[i]!;
            var record = records[i]!;
            Assert.Equal((string?)json["eventID"], record.EventId);
            Assert.Equal((string?)json["eventSourceARN"], record.EventSourceArn);
            Assert.Equal((string?)json["awsRegion"], record.AwsRegion);
            Assert.Equal((string?)json["kinesis"]!["partitionKey"], record.Kinesis!.PartitionKey);
            Assert.Equal((string?)json["kinesis"]!["sequenceNumber"], record.Kinesis.SequenceNumber);
            Assert.Equal((string?)json["kinesis"]!["data"], record.Kinesis.Data);
            Assert.Equal((double?)json["kinesis"]!["approximateArrivalTimestamp"], record.Kinesis.ApproximateArrivalTimestamp);
        }
    }

    [Fact]
    public void KinesisReadEvent_RentedData_IsTheSameBytes_AndTheSameErrors_AsTheStringPath()
    {
        // Plain base64 is decoded straight into a pooled array; everything else must be decided as the string path
        // decides it: whitespace, escapes, bad padding, characters outside the alphabet, other types, empty data.
        var random = new Random(20261203);
        var values = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var text = Convert.ToBase64String(bytes);
            values.Add($"\"{text}\"");
            if (text.Length > 4)
            {
                var at = random.Next(1, text.Length - 1);
                values.Add($"\"{text[..at]} {text[at..]}\"");                  // whitespace inside
                values.Add($"\"{text[..at]}\\n{text[at..]}\"");                 // an escaped new line inside
                values.Add($"\"{text[..at]}{"*#-_."[i % 5]}{text[at..]}\"");     // outside the alphabet
                values.Add($"\"{text[..^1]}\"");                                // cut short
                values.Add($"\"{text.Replace("/", "\\/", StringComparison.Ordinal)}\""); // an escaped solidus
            }
        }

        values.AddRange(["\"\"", "null", "7", "\"=\"", "\"QQ\"", "\"QQ=\"", "\"QR==\"", "\"QQ==QQ==\"", "\" QQ== \"", "\"\\u0051Q==\""]);

        var decodedStraight = 0;
        foreach (var value in values)
        {
            var payload = Encoding.UTF8.GetBytes($$$"""{"Records":[{"eventID":"e","kinesis":{"sequenceNumber":"1","data":{{{value}}}}}]}""");
            EventBatch? exact = null, rented = null;
            var exactError = Record.Exception(() => exact = EventMapper.ReadKinesis(payload));
            var rentedError = Record.Exception(() => rented = EventMapper.ReadKinesis(payload, rentData: true));

            Assert.Equal(exactError?.GetType(), rentedError?.GetType());
            Assert.Equal(exactError?.Message, rentedError?.Message);
            if (exact is not null)
            {
                Assert.Equal(exact.Items[0].Envelope.Data.ToArray(), rented!.Items[0].Envelope.Data.ToArray());
                Assert.Equal(exact.Items[0].Envelope.DataContentType, rented.Items[0].Envelope.DataContentType);
                decodedStraight += rented.Items[0].Rented is null ? 0 : 1;
                rented.Items[0].ReturnRented();
            }
        }

        Assert.InRange(decodedStraight, 300, values.Count - 1); // every plain value took the pooled path, not all values
    }

    [Fact]
    public void ReadRecords_NumbersAsStrings_NullsAndUnknownShapes_AreReadAsTheSerializerDid()
    {
        var s3 = S3Json.ReadRecords(Encoding.UTF8.GetBytes("""{"Records":[null,{"s3":{"object":{"size":"1024","x":{}},"bucket":null},"glacierEventData":[1]}]}"""))!;
        var kinesis = KinesisJson.ReadRecords(Encoding.UTF8.GetBytes("""{"Records":[{"kinesis":{"approximateArrivalTimestamp":"1545084650.987","encryptionType":null}}],"x":1}"""))!;

        Assert.Null(s3[0]);
        Assert.Equal(1024, s3[1]!.S3!.Object!.Size);
        Assert.Null(s3[1]!.S3!.Bucket);
        Assert.Equal(1545084650.987, kinesis[0]!.Kinesis!.ApproximateArrivalTimestamp);
        Assert.Null(S3Json.ReadRecords("""{"Records":null}"""u8));
    }

    [Theory]
    [InlineData("s3", """{"Records":[{"s3":{"object":{"size":1.5}}}]}""", "$.Records[0].s3.object.size")]
    [InlineData("s3", """{"Records":[{"s3":{"object":{"size":"big"}}}]}""", "$.Records[0].s3.object.size")]
    [InlineData("s3", """{"Records":[{},{"s3":{"bucket":{"name":7}}}]}""", "$.Records[1].s3.bucket.name")]
    [InlineData("s3", """{"Records":[{"responseElements":{"a":[]}}]}""", "$.Records[0].responseElements['a']")]
    [InlineData("kinesis", """{"Records":[{"kinesis":"x"}]}""", "$.Records[0].kinesis")]
    [InlineData("kinesis", """{"Records":[{"kinesis":{"approximateArrivalTimestamp":"NaN"}}]}""", "$.Records[0].kinesis.approximateArrivalTimestamp")]
    [InlineData("kinesis", """{"Records":[{"eventID":{}}]}""", "$.Records[0].eventID")]
    public void ReadRecords_MemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string source, string payload, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);

        var exception = Assert.Throws<JsonException>(() => source == "s3" ? (object?)S3Json.ReadRecords(bytes) : KinesisJson.ReadRecords(bytes));

        Assert.Equal(path, exception.Path);
    }
}
