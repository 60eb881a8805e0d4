using System.Text;
using Portable.Functions.Http;
using Snapshooter.Xunit3;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

public sealed class GoogleEventDataTests
{
    private static FunctionEventEnvelope Event(string type, string data) => new()
    {
        Id = "e-1",
        Source = "//pubsub.googleapis.com/projects/p/topics/t",
        Type = type,
        DataContentType = "application/json",
        Data = Encoding.UTF8.GetBytes(data),
        Extensions = new Dictionary<string, string> { ["topic"] = "t" },
    };

    [Fact]
    public void Unwrap_PubSubMessage_DecodesDataAndLiftsAttributes()
    {
        var envelope = Event(LegacyEventConverter.PubSubMessagePublished,
            """{"message":{"data":"eyJvcmRlcklkIjoibzEifQ==","attributes":{"origin":"checkout"},"messageId":"m"},"subscription":"s"}""");

        var unwrapped = GoogleEventData.Unwrap(envelope);

        Assert.Equal("""{"orderId":"o1"}""", Encoding.UTF8.GetString(unwrapped.Data.Span));
        Assert.Null(unwrapped.DataContentType);
        Assert.Equal("checkout", unwrapped.Extensions["origin"]);
        Assert.Equal("t", unwrapped.Extensions["topic"]);
        Assert.Equal("e-1", unwrapped.Id);
    }

    [Theory]
    [InlineData("""{"message":{"data":"%%%"}}""")]
    [InlineData("""[{"message":{}}]""")]
    [InlineData("""{"message":"text"}""")]
    [InlineData("""not json""")]
    public void Unwrap_PubSubEventThatIsNotAMessage_IsRejected(string data) =>
        Assert.Throws<InvalidCloudEventException>(() => GoogleEventData.Unwrap(Event(LegacyEventConverter.PubSubMessagePublished, data)));

    [Theory]
    [InlineData("""[1,2]""")]
    [InlineData("""not json""")]
    public void Unwrap_StorageEventThatIsNotAnObject_IsRejected(string data) =>
        Assert.Throws<InvalidCloudEventException>(() => GoogleEventData.Unwrap(Event("google.cloud.storage.object.v1.finalized", data)));

    [Fact]
    public void Unwrap_StorageObject_BecomesAStorageObjectChange()
    {
        var envelope = Event("google.cloud.storage.object.v1.finalized",
            """{"bucket":"b","name":"a/b c.txt","size":"12","etag":"E","contentType":"text/plain","generation":"7","kind":"storage#object"}""");

        Snapshot.Match(Describe.Envelope(GoogleEventData.Unwrap(envelope)));
    }

    [Fact]
    public void Unwrap_OtherEvents_AreLeftAlone()
    {
        var envelope = Event("google.cloud.firestore.document.v1.written", """{"value":{}}""");

        Assert.Same(envelope, GoogleEventData.Unwrap(envelope));
    }
}
