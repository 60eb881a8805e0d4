using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Portable.Functions.Http;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// Properties of the Google translations, checked with CsCheck: no legacy event or Pub/Sub push body — the official
/// conformance inputs and our fixtures, each with one value wrong — makes the converter or the data unwrapping throw
/// anything but <see cref="InvalidCloudEventException"/> (answered 400), and every conversion it accepts has the
/// CloudEvent's required attributes.
/// </summary>
public sealed class PropertyTests
{
    [Fact]
    public void Convert_LegacyBodiesWithOneValueWrong_ThrowNothingButInvalidCloudEvent_AndAcceptedOnesAreValid()
    {
        var samples = Directory.GetFiles(Paths.GcpVectors, "*-legacy-input.json")
            .Concat(Directory.GetFiles(Path.GetDirectoryName(Paths.Fixture("x"))!, "*.json"))
            .Select(File.ReadAllText).ToArray();

        Gen.Select(Gen.Int[0, samples.Length - 1], Gen.Int, Gen.Int).Sample((sample, location, kind) =>
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(JsonMutations.Mutate(samples[sample], location, kind));
            }
            catch (JsonException)
            {
                return; // not JSON the host can read: it is an ordinary body then, as FunctionsFrameworkHandler treats it
            }

            if (parsed is not JsonObject root || !LegacyEventConverter.IsLegacyOrPushBody(root))
            {
                return;
            }

            try
            {
                var envelope = LegacyEventConverter.Convert(root, "/projects/p/topics/t");
                Assert.False(string.IsNullOrEmpty(envelope.Id));
                Assert.False(string.IsNullOrEmpty(envelope.Source));
                Assert.False(string.IsNullOrEmpty(envelope.Type));
                _ = GoogleEventData.Unwrap(envelope);
            }
            catch (InvalidCloudEventException)
            {
                // The documented error: a 400 whose message is safe to show.
            }
        }, iter: 3000);
    }

    [Fact]
    public void IsPlainObject_AnyBodyItCallsPlain_ParsesToAnObjectThatIsNeitherLegacyNorPush()
    {
        var samples = Directory.GetFiles(Paths.GcpVectors, "*-legacy-input.json")
            .Concat(Directory.GetFiles(Path.GetDirectoryName(Paths.Fixture("x"))!, "*.json"))
            .Select(File.ReadAllText)
            .Append("""{"orderId":"o-1","customer":"Ada","lines":[{"sku":"a","quantity":2}],"notes":"ring twice"}""")
            .Append("""{"name":"café","tags":["a","b"],"meta":{"context":{"eventType":"x"}},"n":1.5e3,"ok":true,"none":null}""")
            .ToArray();

        Gen.Select(Gen.Int[0, samples.Length - 1], Gen.Int, Gen.Int).Sample((sample, location, kind) =>
        {
            var body = System.Text.Encoding.UTF8.GetBytes(JsonMutations.Mutate(samples[sample], location, kind));
            if (!LegacyEventConverter.IsPlainObject(body))
            {
                return;
            }

            // What FunctionsFrameworkHandler did before it asked: parse, then look; neither may throw, and the answer is no.
            var root = Assert.IsType<JsonObject>(JsonNode.Parse(body));
            Assert.False(LegacyEventConverter.IsLegacyOrPushBody(root));
        }, iter: 5000);
    }
}
