using System.Text.Json.Nodes;
using Portable.Functions.Http;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>Legacy GCF events → CloudEvents, by the published mapping, on fixtures written from the mapping document.</summary>
public sealed class LegacyEventConverterTests
{
    private static FunctionEventEnvelope Convert(string fixture, string path = "/")
    {
        var root = (JsonObject)JsonNode.Parse(File.ReadAllText(Paths.Fixture(fixture)))!;
        Assert.True(LegacyEventConverter.IsLegacyOrPushBody(root));
        return LegacyEventConverter.Convert(root, path);
    }

    [Theory]
    [InlineData("pubsub-nested")]
    [InlineData("pubsub-flat-legacy-type")]
    [InlineData("storage-with-generation")]
    [InlineData("storage-delete-flat")]
    [InlineData("firestore-update")]
    [InlineData("database-us")]
    [InlineData("database-regional")]
    [InlineData("auth-delete")]
    [InlineData("analytics")]
    [InlineData("remoteconfig-provider-type")]
    [InlineData("remoteconfig-google-type")]
    [InlineData("pubsub-push")]
    public void Convert_LegacyEvent_FollowsThePublishedMapping(string fixture) =>
        Snapshot.Match(Describe.Envelope(Convert(fixture)), SnapshotNameExtension.Create(fixture));

    [Fact]
    public void Convert_PubSubPushToATopicPath_TakesTheTopicFromThePath()
    {
        var envelope = Convert("pubsub-push", "/projects/acme-prod/topics/orders");

        Assert.Equal("//pubsub.googleapis.com/projects/acme-prod/topics/orders", envelope.Source);
        Assert.Equal("orders", envelope.Extensions["topic"]);
    }

    [Theory]
    [InlineData("""{"eventId":"1","eventType":"providers/google.firebase.database/eventTypes/ref.write","resource":"projects/_/instances/i/refs/a","data":{}}""", "domain")]
    [InlineData("""{"eventId":"1","eventType":"providers/unknown/eventTypes/x","resource":"projects/p","data":{}}""", "eventType")]
    [InlineData("""{"eventId":"1","eventType":"google.storage.object.finalize","resource":"buckets/b/o","data":{}}""", "storage")]
    [InlineData("""{"eventId":"1","eventType":"google.pubsub.topic.publish","data":{}}""", "resource")]
    [InlineData("""{"eventId":"1","eventType":"google.pubsub.topic.publish","resource":"projects/p/topics/t","timestamp":"never","data":{}}""", "timestamp")]
    [InlineData("""{"eventId":"1","eventType":"providers/google.firebase.analytics/eventTypes/event.log","resource":"projects/p/events/e","data":{}}""", "analytics")]
    [InlineData("""{"eventId":"1","eventType":"providers/google.firebase.analytics/eventTypes/event.log","resource":"projects/p/events/e","data":{"userDim":{"appInfo":{"appId":7}}}}""", "analytics-number")]
    [InlineData("""{"eventId":"1","eventType":"providers/google.firebase.analytics/eventTypes/event.log","resource":"projects/p/events/e","data":[1]}""", "analytics-array")]
    public void Convert_EventThatCannotBeMapped_ThrowsASafeMessage(string body, string name)
    {
        var exception = Assert.Throws<InvalidCloudEventException>(() => LegacyEventConverter.Convert((JsonObject)JsonNode.Parse(body)!, "/"));

        Snapshot.Match(exception.Message, SnapshotNameExtension.Create(name));
    }

    [Theory]
    [InlineData("""{"orderId":"o-1","amount":1}""")]
    [InlineData("""{"data":{"x":1}}""")]
    [InlineData("""{"message":{"data":"eA=="}}""")]
    public void IsLegacyOrPushBody_PlainJson_IsNotMistakenForAnEvent(string body) =>
        Assert.False(LegacyEventConverter.IsLegacyOrPushBody((JsonObject)JsonNode.Parse(body)!));

    [Theory]
    [InlineData("""{"orderId":"o-1","lines":[{"sku":"a","context":1}],"nested":{"message":{}}}""")]
    [InlineData("""{}""")]
    [InlineData(""" { "a" : 1 , "b" : [ true , null ] } """)]
    [InlineData("""{"café":"ü","eventId":"1","subscription":"s"}""")]
    public void IsPlainObject_OrdinaryObject_True(string body)
    {
        Assert.True(LegacyEventConverter.IsPlainObject(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("""{"context":{"eventType":"t"}}""")]
    [InlineData("""{"eventType":"t","eventId":"1"}""")]
    [InlineData("""{"message":{},"subscription":"s"}""")]
    [InlineData("""{"message":1}""")]
    [InlineData("""{"\u0063ontext":{"eventType":"t"}}""")]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a":1""")]
    [InlineData("""{"a":1}}""")]
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":1 /* note */}""")]
    [InlineData("""[{"a":1}]""")]
    [InlineData("""
        "text"
        """)]
    [InlineData("""null""")]
    [InlineData("""not json""")]
    public void IsPlainObject_AnythingElse_False(string body)
    {
        Assert.False(LegacyEventConverter.IsPlainObject(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void IsPlainObject_ByteOrderMarkOrInvalidUtf8Name_False()
    {
        Assert.False(LegacyEventConverter.IsPlainObject([0xEF, 0xBB, 0xBF, .. "{}"u8]));
        Assert.False(LegacyEventConverter.IsPlainObject([.. "{\""u8, 0xC3, .. "\":1}"u8]));
    }

    [Fact]
    public void IsPlainObject_ManyNames_TrueUpToTheLimitThenLeftToTheParse()
    {
        static byte[] Object(int names) =>
            System.Text.Encoding.UTF8.GetBytes("{" + string.Join(",", Enumerable.Range(0, names).Select(i => $"\"p{i}\":{i}")) + "}");

        Assert.True(LegacyEventConverter.IsPlainObject(Object(64)));
        Assert.False(LegacyEventConverter.IsPlainObject(Object(65)));
    }
}
