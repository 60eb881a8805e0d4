using System.Text;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// Every fixture pair of the official Functions Framework conformance suite (copied into
/// tests/vectors/gcp with their source and licence) converts exactly, compared the way the conformance validator compares:
/// id, source, subject, type, time as an instant, datacontenttype, and data as JSON.
/// </summary>
public sealed class VectorConformanceTests
{
    public static TheoryData<string> LegacyCases() => new(LegacyNames());

    private static List<string> LegacyNames()
    {
        Assert.True(Directory.Exists(Paths.GcpVectors), $"The conformance fixtures are expected at {Paths.GcpVectors}.");
        return [.. Directory.GetFiles(Paths.GcpVectors, "*-legacy-input.json").Order(StringComparer.Ordinal)
            .Select(file => Path.GetFileName(file)[..^"-legacy-input.json".Length])];
    }

    public static TheoryData<string> CloudEventCases()
    {
        var cases = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Paths.GcpVectors, "*-cloudevent-input.json").Order(StringComparer.Ordinal))
        {
            cases.Add(Path.GetFileName(file)[..^"-cloudevent-input.json".Length]);
        }

        return cases;
    }

    [Fact]
    public void Vectors_ArePresent_AndCoverEveryEventKind()
    {
        var cases = LegacyNames();

        Assert.True(cases.Count >= 17, $"only {cases.Count} legacy cases found");
        Assert.Contains("storage", cases);
        Assert.Contains("legacy_pubsub", cases);
        Assert.Contains("firebase-auth", cases);
    }

    [Theory]
    [MemberData(nameof(LegacyCases))]
    public void LegacyInput_ConvertsToTheExpectedCloudEvent(string name)
    {
        var input = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.GcpVectors, name + "-legacy-input.json")))!;
        var expected = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.GcpVectors, name + "-cloudevent-output.json")))!;

        var actual = LegacyEventConverter.Convert(input, "/");

        AssertCloudEventEqual(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CloudEventCases))]
    public void CloudEventInput_ReachesTheFunctionUnchanged(string name)
    {
        var json = File.ReadAllText(Path.Combine(Paths.GcpVectors, name + "-cloudevent-input.json"));
        var expected = (JsonObject)JsonNode.Parse(json)!;

        var received = Portable.Functions.Http.CloudEventRequestReader.ReadStructured("application/cloudevents+json", Encoding.UTF8.GetBytes(json));
        var roundTripped = new JsonEventFormatter().EncodeStructuredModeMessage(new CloudEventFeature(received).CloudEvent, out _);

        AssertCloudEventEqual(expected, received);
        AssertCloudEventEqual(expected, LegacyFreeReparse(roundTripped));
    }

    private static FunctionEventEnvelope LegacyFreeReparse(ReadOnlyMemory<byte> structured) =>
        Portable.Functions.Http.CloudEventRequestReader.ReadStructured("application/cloudevents+json", structured);

    private static void AssertCloudEventEqual(JsonObject expected, FunctionEventEnvelope actual)
    {
        Assert.Equal(expected["id"]!.GetValue<string>(), actual.Id);
        Assert.Equal(expected["source"]!.GetValue<string>(), actual.Source);
        Assert.Equal(expected["type"]!.GetValue<string>(), actual.Type);
        Assert.Equal(expected["subject"]?.GetValue<string>(), actual.Subject);
        Assert.Equal(DateTimeOffset.Parse(expected["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), actual.Time);
        Assert.Equal(expected["datacontenttype"]?.GetValue<string>(), actual.DataContentType);
        var actualData = JsonNode.Parse(actual.Data.Span);
        Assert.True(JsonNode.DeepEquals(expected["data"], actualData), $"data differs:\nexpected {expected["data"]?.ToJsonString()}\nactual   {actualData?.ToJsonString()}");
    }
}
