using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The hostile-input table (tests/Portable.Functions.TestUtilities/HostileTable.cs) over real sockets to the Functions
/// Framework host, one host per target: each row its 4xx problem without internals, and the next good request served;
/// and the Google-specific shapes (Pub/Sub push with invalid base64, legacy events of unknown or malformed shape).
/// </summary>
public sealed class HostileInputTests(StatusTableTests.Hosts hosts) : IClassFixture<StatusTableTests.Hosts>
{
    public static TheoryData<string> Rows() => new(HostileTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.GoogleCloudFunctions)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task HostileInput_IsAnsweredWithItsStatus_WithoutInternals_AndTheNextRequestIsServed(string name)
    {
        var row = HostileTable.Cases.Single(c => c.Name == name);
        var good = HostileTable.Good(row.Function);
        var client = hosts.Targets[row.Function].Client;

        using var response = await client.SendAsync(row.ToRequest("/any/path"), TestContext.Current.CancellationToken);
        using var next = await client.SendAsync(good.ToRequest("/"), TestContext.Current.CancellationToken);

        Assert.Empty(row.Check(await StatusAnswer.ReadAsync(response)));
        Assert.Empty(good.Check(await StatusAnswer.ReadAsync(next)));
    }

    [Theory]
    [InlineData("""{"message":{"data":"%%%","messageId":"1"},"subscription":"projects/p/subscriptions/s"}""")]
    [InlineData("""{"message":{"data":5,"messageId":"1"},"subscription":"projects/p/subscriptions/s"}""")]
    [InlineData("""{"message":"not an object","subscription":"projects/p/subscriptions/s"}""")]
    [InlineData("""{"eventId":"1","eventType":"providers/nope/eventTypes/x","resource":"r","data":{}}""")]
    [InlineData("""{"eventId":"1","eventType":"google.pubsub.topic.publish","resource":5,"data":{}}""")]
    [InlineData("""{"context":{"eventId":"1","eventType":"google.pubsub.topic.publish","timestamp":"never","resource":{"service":"pubsub.googleapis.com","name":"projects/p/topics/t"}},"data":{"data":"e30="}}""")]
    [InlineData("""{"context":"nope","data":{}}""")]
    [InlineData("""{"eventId":"1","eventType":"google.storage.object.finalize","resource":"projects/_/buckets/b/objects/o","data":{"bucket":5}}""")]
    public async Task GoogleEventOfBadShape_Is400WithoutInternals_AndTheNextRequestIsServed(string body)
    {
        var row = new HostileCase("google", "event", "application/json", System.Text.Encoding.UTF8.GetBytes(body), 400, StatusHosts.GoogleCloudFunctions);
        var good = HostileTable.Good("event");
        var client = hosts.Targets["event"].Client;

        using var response = await client.SendAsync(row.ToRequest("/"), TestContext.Current.CancellationToken);
        using var next = await client.SendAsync(good.ToRequest("/"), TestContext.Current.CancellationToken);

        Assert.Empty(row.Check(await StatusAnswer.ReadAsync(response)));
        Assert.Empty(good.Check(await StatusAnswer.ReadAsync(next)));
    }
}
