using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The hand-written SNS event reader, over AWS's documented sample event and broken variants of it (see <see cref="SqsJsonTests"/>).</summary>
public sealed class SnsJsonTests
{
    [Fact]
    public void ReadEvent_DocumentedEvent_ReadsEveryMappedMember()
    {
        var records = SnsJson.ReadEvent(Fixtures.Bytes("sns.json")).Records!;
        var expected = JsonNode.Parse(Fixtures.Bytes("sns.json"))!["Records"]!.AsArray();

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var json = expected[i]!;
            var sns = json["Sns"]!;
            var record = records[i]!;
            Assert.Equal((string?)json["EventSubscriptionArn"], record.EventSubscriptionArn);
            Assert.Equal((string?)sns["MessageId"], record.Sns!.MessageId);
            Assert.Equal((string?)sns["TopicArn"], record.Sns.TopicArn);
            Assert.Equal((string?)sns["Subject"], record.Sns.Subject);
            Assert.Equal((string?)sns["Message"], Encoding.UTF8.GetString(record.Sns.Message!));
            Assert.Equal((string?)sns["Timestamp"], record.Sns.Timestamp);
            Assert.Equal(
                sns["MessageAttributes"]!.AsObject().Select(a => (a.Key, (string?)a.Value!["Value"])),
                record.Sns.MessageAttributes!.Select(a => (a.Key, a.Value)));
        }
    }

    [Fact]
    public void ReadEvent_NullRecordsAndAttributes_UnknownShapes_AreReadAsTheSerializerDid()
    {
        const string payload = """
            {"Records":[null,{"EventSource":"aws:sns","Sns":{"Type":"Notification","MessageId":"m","MessageAttributes":{"n":null,"a":{"Type":"String","Value":"v"}},"Signature":{"x":[1]}}},{"Sns":null}]}
            """;

        var records = SnsJson.ReadEvent(Encoding.UTF8.GetBytes(payload)).Records!;

        Assert.Null(records[0]);
        Assert.Equal("m", records[1]!.Sns!.MessageId);
        Assert.Null(records[1]!.Sns!.MessageAttributes!["n"]);
        Assert.Equal("v", records[1]!.Sns!.MessageAttributes!["a"]);
        Assert.Null(records[2]!.Sns);
    }

    [Theory]
    [InlineData("""{"Records":"x"}""", "$.Records")]
    [InlineData("""{"Records":[true]}""", "$.Records[0]")]
    [InlineData("""{"Records":[{"Sns":[]}]}""", "$.Records[0].Sns")]
    [InlineData("""{"Records":[{},{"Sns":{"Message":{}}}]}""", "$.Records[1].Sns.Message")]
    [InlineData("""{"Records":[{"Sns":{"MessageAttributes":{"a":"x"}}}]}""", "$.Records[0].Sns.MessageAttributes['a']")]
    [InlineData("""{"Records":[{"Sns":{"MessageAttributes":{"a":{"Value":1}}}}]}""", "$.Records[0].Sns.MessageAttributes['a'].Value")]
    public void ReadEvent_MemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string payload, string path)
    {
        var exception = Assert.Throws<JsonException>(() => SnsJson.ReadEvent(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(path, exception.Path);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"Records":[]},""")]
    [InlineData("""{"Records":[{"Sns":{"Message":"~"}}]}""")]
    [InlineData("""{"Rec\ud800ords":[]}""")]
    public void ReadEvent_NotOneJsonObjectOfValidText_ThrowsJsonException(string template)
    {
        // '~' stands for 0xFF, a byte no UTF-8 text has.
        byte[] payload = [.. Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'~' ? (byte)0xFF : b)];

        Assert.ThrowsAny<JsonException>(() => SnsJson.ReadEvent(payload));
    }
}
