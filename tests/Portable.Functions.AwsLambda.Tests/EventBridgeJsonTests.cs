using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The hand-written EventBridge and DynamoDB Streams readers, over AWS's documented sample events and broken variants.</summary>
public sealed class EventBridgeJsonTests
{
    [Theory]
    [InlineData("eventbridge.json")]
    [InlineData("scheduled.json")]
    public void ReadEvent_DocumentedEvent_ReadsEveryMappedMember_AndDetailAsItsRawJson(string fixture)
    {
        var bridge = EventBridgeJson.ReadEvent(Fixtures.Bytes(fixture));
        var json = JsonNode.Parse(Fixtures.Bytes(fixture))!;

        Assert.Equal((string?)json["id"], bridge.Id);
        Assert.Equal((string?)json["detail-type"], bridge.DetailType);
        Assert.Equal((string?)json["source"], bridge.Source);
        Assert.Equal((string?)json["account"], bridge.Account);
        Assert.Equal((string?)json["time"], bridge.Time);
        Assert.Equal((string?)json["region"], bridge.Region);
        Assert.Equal(json["resources"]!.AsArray().Select(r => (string?)r), bridge.Resources!);
        Assert.True(JsonNode.DeepEquals(json["detail"], JsonNode.Parse(bridge.Detail!)));
    }

    [Theory]
    [InlineData("""{"detail":{"a":[1,{"b":"c"}]},"id":"x"}""", """{"a":[1,{"b":"c"}]}""")]
    [InlineData("""{"detail": "text" }""", "\"text\"")]
    [InlineData("""{"detail":5,"detail":[true]}""", "[true]")]
    [InlineData("""{"detail":null}""", null)]
    [InlineData("""{"id":"x"}""", null)]
    public void ReadEvent_Detail_IsTheRawJsonOfTheLastDetailValue(string payload, string? detail)
    {
        var bridge = EventBridgeJson.ReadEvent(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(detail, bridge.Detail is null ? null : Encoding.UTF8.GetString(bridge.Detail));
    }

    [Theory]
    [InlineData("""{"id":1}""", "$.id")]
    [InlineData("""{"detail-type":{}}""", "$.detail-type")]
    [InlineData("""{"resources":"arn"}""", "$.resources")]
    public void ReadEvent_MemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string payload, string path)
    {
        var exception = Assert.Throws<JsonException>(() => EventBridgeJson.ReadEvent(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(path, exception.Path);
    }

    [Fact]
    public void DynamoDbReadRecords_DocumentedEvent_KeepsEachRecordsDynamodbMemberWhole()
    {
        var records = DynamoDbJson.ReadRecords(Fixtures.Bytes("dynamodb.json"))!;
        var expected = JsonNode.Parse(Fixtures.Bytes("dynamodb.json"))!["Records"]!.AsArray();

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var json = expected[i]!;
            Assert.Equal((string?)json["eventID"], records[i]!.EventId);
            Assert.Equal((string?)json["eventName"], records[i]!.EventName);
            Assert.Equal((string?)json["eventSourceARN"], records[i]!.EventSourceArn);
            Assert.Equal((string?)json["awsRegion"], records[i]!.AwsRegion);
            Assert.True(JsonNode.DeepEquals(json["dynamodb"], JsonNode.Parse(records[i]!.Dynamodb!.Value.GetRawText())));
        }
    }

    [Theory]
    [InlineData("""{"Records":[{"eventID":[]}]}""", "$.Records[0].eventID")]
    [InlineData("""{"Records":[{},{"awsRegion":false}]}""", "$.Records[1].awsRegion")]
    public void DynamoDbReadRecords_MemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string payload, string path)
    {
        var exception = Assert.Throws<JsonException>(() => DynamoDbJson.ReadRecords(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(path, exception.Path);
    }
}
