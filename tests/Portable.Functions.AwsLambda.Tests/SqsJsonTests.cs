using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The hand-written SQS event reader and batch response writer keep the rules of the source-generated serializer they
/// replaced (see <see cref="HttpApiJsonTests"/>), over AWS's documented sample events.
/// </summary>
public sealed class SqsJsonTests
{
    [Theory]
    [InlineData("sqs.json")]
    [InlineData("sqs-fifo.json")]
    public void ReadEvent_DocumentedEvent_ReadsEveryMappedMemberOfEveryRecord(string fixture)
    {
        var records = SqsJson.ReadEvent(Fixtures.Bytes(fixture)).Records!;
        var expected = JsonNode.Parse(Fixtures.Bytes(fixture))!["Records"]!.AsArray();

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i]!;
            var json = expected[i]!;
            Assert.Equal((string?)json["messageId"], record.MessageId);
            Assert.Equal((string?)json["body"], Encoding.UTF8.GetString(record.Body!));
            Assert.Equal((string?)json["eventSource"], record.EventSource);
            Assert.Equal((string?)json["eventSourceARN"], record.EventSourceArn);
            Assert.Equal((string?)json["awsRegion"], record.AwsRegion);
            Assert.Equal(json["attributes"]!.AsObject().Select(a => (a.Key, (string?)a.Value)), record.Attributes!.Select(a => (a.Key, a.Value)));
            Assert.Equal(
                json["messageAttributes"]!.AsObject().Select(a => (a.Key, (string?)a.Value!["stringValue"], (string?)a.Value!["binaryValue"], (string?)a.Value!["dataType"])),
                record.MessageAttributes!.Select(a => (a.Key, a.Value!.StringValue, a.Value.BinaryValue, a.Value.DataType)));
        }
    }

    [Fact]
    public void ReadEvent_RentedBodies_AreTheSameBytes_AndFailTheSameWay()
    {
        // Bodies as SQS delivers them (escaped JSON, text, non-ASCII, empty, null) and ones no reader may accept.
        string[] bodies =
        [
            "{\\\"orderId\\\":\\\"o-1\\\",\\\"note\\\":\\\"a\\\\nb\\\"}", "plain text", "caf\\u00e9 \\ud83d\\ude00 é", "", "\\/\\b\\f\\t",
        ];
        var cases = bodies.Select(body => $$"""{"Records":[{"messageId":"m","body":"{{body}}"},{"messageId":"n","body":null}]}""")
            .Concat(["{\"Records\":[{\"messageId\":\"m\",\"body\":\"\\ud800\"}]}", "{\"Records\":[{\"messageId\":\"m\",\"body\":7}]}"]);

        foreach (var json in cases)
        {
            var payload = Encoding.UTF8.GetBytes(json);
            List<SqsRecord?>? exact = null, rented = null;
            Exception? exactError = Record.Exception(() => exact = SqsJson.ReadEvent(payload).Records);
            Exception? rentedError = Record.Exception(() => rented = SqsJson.ReadEvent(payload, rentBodies: true).Records);

            Assert.Equal(exactError?.GetType(), rentedError?.GetType());
            Assert.Equal(exactError?.Message, rentedError?.Message);
            if (exact is null)
            {
                continue;
            }

            Assert.Equal(exact.Count, rented!.Count);
            for (var i = 0; i < exact.Count; i++)
            {
                Assert.Null(rented[i]!.Body);
                Assert.Equal(exact[i]!.Body, rented[i]!.RentedBody?.ToArray());
                if (rented[i]!.RentedBody is { } segment)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(segment.Array!);
                }
            }
        }
    }

    [Fact]
    public void ReadEvent_NullRecordsUnknownShapesAndNullAttributes_AreReadAsTheSerializerDid()
    {
        const string payload = """
            {"extra":[{"a":[]}],"Records":[null,{"messageId":"m","messageAttributes":{"n":null,"s":{"stringValue":"v","stringListValues":[],"dataType":"String"}},"attributes":null,"md5OfBody":"x"}]}
            """;

        var records = SqsJson.ReadEvent(Encoding.UTF8.GetBytes(payload)).Records!;

        Assert.Null(records[0]);
        Assert.Equal("m", records[1]!.MessageId);
        Assert.Null(records[1]!.Attributes);
        Assert.Null(records[1]!.MessageAttributes!["n"]);
        Assert.Equal(("v", "String"), (records[1]!.MessageAttributes!["s"]!.StringValue, records[1]!.MessageAttributes!["s"]!.DataType));
    }

    [Theory]
    [InlineData("""{"Records":{}}""", "$.Records")]
    [InlineData("""{"Records":[5]}""", "$.Records[0]")]
    [InlineData("""{"Records":[{"messageId":5}]}""", "$.Records[0].messageId")]
    [InlineData("""{"Records":[{},{"body":{}}]}""", "$.Records[1].body")]
    [InlineData("""{"Records":[{"attributes":{"a":1}}]}""", "$.Records[0].attributes['a']")]
    [InlineData("""{"Records":[{"messageAttributes":{"a":"x"}}]}""", "$.Records[0].messageAttributes['a']")]
    [InlineData("""{"Records":[{"messageAttributes":{"a":{"dataType":[]}}}]}""", "$.Records[0].messageAttributes['a'].dataType")]
    public void ReadEvent_MemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string payload, string path)
    {
        var exception = Assert.Throws<JsonException>(() => SqsJson.ReadEvent(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(path, exception.Path);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"Records":[]} x""")]
    [InlineData("""{"Records":[{"body":"~"}]}""")]
    public void ReadEvent_NotOneJsonObjectOfValidText_ThrowsJsonException(string template)
    {
        // '~' stands for 0xFF, a byte no UTF-8 text has.
        byte[] payload = [.. Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'~' ? (byte)0xFF : b)];

        Assert.ThrowsAny<JsonException>(() => SqsJson.ReadEvent(payload));
    }

    [Fact]
    public void ReadEvent_RecordsOfOneQueue_ShareOneStringOfTheirArnRegionAndSource()
    {
        // The ARN of the second record is the same text escaped differently; the third is another queue's.
        var payload = Encoding.UTF8.GetBytes("""
            {"Records":[
              {"messageId":"a","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:q1","awsRegion":"eu-west-1"},
              {"messageId":"b","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:q\u0031","awsRegion":"eu-west-1"},
              {"messageId":"c","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:q2","awsRegion":"eu-west-1"}]}
            """);

        var first = SqsJson.ReadEvent(payload).Records!;
        var next = SqsJson.ReadEvent(Encoding.UTF8.GetBytes("""
            {"Records":[{"messageId":"d","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:q2","awsRegion":"eu-west-1"}]}
            """)).Records!;

        Assert.Equal(["arn:aws:sqs:eu-west-1:123456789012:q1", "arn:aws:sqs:eu-west-1:123456789012:q1", "arn:aws:sqs:eu-west-1:123456789012:q2"], first.Select(r => r!.EventSourceArn));
        Assert.Same(first[0]!.EventSourceArn, first[1]!.EventSourceArn);
        Assert.Same(first[0]!.AwsRegion, first[2]!.AwsRegion);
        Assert.Same(first[0]!.EventSource, first[2]!.EventSource);
        Assert.Same(first[2]!.EventSourceArn, next[0]!.EventSourceArn); // the next event from the same queue too
        Assert.Same(first[2]!.AwsRegion, next[0]!.AwsRegion);
    }

    [Fact]
    public void ReadEvent_RepeatedLongText_IsReadAgainEachTime()
    {
        // A text longer than any ARN is not kept by the thread: each record has its own string of it.
        var arn = new string('a', EnvelopeReader.RepeatedText.MaxKept + 1);
        var records = SqsJson.ReadEvent(Encoding.UTF8.GetBytes($$"""{"Records":[{"eventSourceARN":"{{arn}}"},{"eventSourceARN":"{{arn}}"}]}""")).Records!;

        Assert.Equal(arn, records[1]!.EventSourceArn);
        Assert.NotSame(records[0]!.EventSourceArn, records[1]!.EventSourceArn);
    }

    [Theory]
    [InlineData("""{"Records":[{"awsRegion":"eu-west-1"},{"awsRegion":"eu-west-~"}]}""")]
    [InlineData("""{"Records":[{"eventSourceARN":"arn"},{"eventSourceARN":"ar\uD800"}]}""")]
    public void ReadEvent_RepeatedMemberOfInvalidText_ThrowsJsonException(string template)
    {
        // After a valid text, one that is not (0xFF, a lone surrogate) is not taken for it.
        byte[] payload = [.. Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'~' ? (byte)0xFF : b)];

        Assert.ThrowsAny<JsonException>(() => SqsJson.ReadEvent(payload));
    }

    [Fact]
    public void WriteBatchResponse_IsTheDocumentedPartialBatchResponse()
    {
        Assert.Equal("""{"batchItemFailures":[]}""", Encoding.UTF8.GetString(EnvelopeWriter.WriteBatchResponse([]).Span));
        Assert.Equal(
            """{"batchItemFailures":[{"itemIdentifier":"059f36b4-87a3-44ab-83d2-661975830a7d"},{"itemIdentifier":"4900000000000000000000000000000000000000"}]}""",
            Encoding.UTF8.GetString(EnvelopeWriter.WriteBatchResponse(["059f36b4-87a3-44ab-83d2-661975830a7d", "4900000000000000000000000000000000000000"]).Span));
    }
}
