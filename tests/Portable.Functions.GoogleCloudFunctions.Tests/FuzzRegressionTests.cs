using System.Text;
using System.Text.Json.Nodes;
using Portable.Functions.Http;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// Inputs the short fuzz run (tests/Portable.Functions.Fuzz.Tests) found: a parsed body is read lazily, so a property
/// named twice (<see cref="ArgumentException"/>) or a string that is not valid UTF-8 (<see cref="InvalidOperationException"/>)
/// escaped the legacy converter and the data unwrapping instead of the documented <see cref="InvalidCloudEventException"/> (400).
/// </summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void IsLegacyOrPushBody_PropertyNamedTwice_ThrowsInvalidCloudEvent()
    {
        var root = (JsonObject)JsonNode.Parse("""{"eventType":"providers/cloud.pubsub/eventTypes/topic.publish","eventId":"1","eventId":"2"}""")!;

        Assert.Throws<InvalidCloudEventException>(() => LegacyEventConverter.IsLegacyOrPushBody(root));
    }

    [Fact]
    public void Convert_ResourceNotValidUtf8_ThrowsInvalidCloudEvent()
    {
        var body = Encoding.UTF8.GetBytes("""{"eventType":"providers/cloud.pubsub/eventTypes/topic.publish","eventId":"1","timestamp":"2020-09-29T11:32:00.000Z","resource":"projects/p/topics/~","data":{}}""")
            .Select(b => b == (byte)'~' ? (byte)0xFF : b).ToArray();
        var root = (JsonObject)JsonNode.Parse(body)!;
        Assert.True(LegacyEventConverter.IsLegacyOrPushBody(root));

        Assert.Throws<InvalidCloudEventException>(() => LegacyEventConverter.Convert(root, "/"));
    }

    [Fact]
    public void Unwrap_PubSubMessageWithAPropertyTwice_ThrowsInvalidCloudEvent()
    {
        var envelope = new FunctionEventEnvelope
        {
            Id = "1",
            Source = "//pubsub.googleapis.com/projects/p/topics/t",
            Type = LegacyEventConverter.PubSubMessagePublished,
            DataContentType = "application/json",
            Data = Encoding.UTF8.GetBytes("""{"message":{"data":"e30=","data":"e30="}}"""),
        };

        Assert.Throws<InvalidCloudEventException>(() => GoogleEventData.Unwrap(envelope));
    }
}
