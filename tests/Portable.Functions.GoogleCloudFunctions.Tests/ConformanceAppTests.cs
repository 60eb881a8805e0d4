using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The conformance app exercised the way the official conformance client does it: start the process with a target
/// and signature type in a fresh working directory, send, then read <c>function_output.json</c> and compare.
/// </summary>
public sealed class ConformanceAppTests
{
    private static readonly JsonEventFormatter Formatter = new();

    [Fact]
    public async Task Http_WritesTheRequestBodyToFunctionOutput()
    {
        await using var app = await ConformanceApp.StartAsync("http", "http");

        using var response = await app.Client.PostAsync("/", new StringContent("""{"res":"PASS"}""", Encoding.UTF8, "application/json"));

        Assert.True(response.IsSuccessStatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"res":"PASS"}"""), JsonNode.Parse(app.ReadOutput())));
    }

    [Fact]
    public async Task Typed_AnswersWithThePayload()
    {
        await using var app = await ConformanceApp.StartAsync("typed", "http");

        using var response = await app.Client.PostAsync("/", new StringContent("""{"message":"Hello world!"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"payload":{"message":"Hello world!"}}"""), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task CloudEvent_EveryConformanceInput_IsWrittenBackUnchanged_AndEveryLegacyInputAsItsMapping()
    {
        await using var app = await ConformanceApp.StartAsync("cloudevent", "cloudevent");
        var inputs = Directory.GetFiles(Paths.GcpVectors, "*-cloudevent-input.json");
        var legacyInputs = Directory.GetFiles(Paths.GcpVectors, "*-legacy-input.json");
        Assert.NotEmpty(inputs);
        Assert.NotEmpty(legacyInputs);

        foreach (var file in inputs)
        {
            // The client sends CloudEvents in binary mode through the CloudEvents SDK.
            var cloudEvent = Formatter.DecodeStructuredModeMessage(File.ReadAllBytes(file), null, null);
            using var response = await app.Client.PostAsync("/", cloudEvent.ToHttpContent(ContentMode.Binary, Formatter));

            Assert.True(response.IsSuccessStatusCode, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            AssertSameEvent(JsonNode.Parse(File.ReadAllText(file))!.AsObject(), JsonNode.Parse(app.ReadOutput())!.AsObject(), Path.GetFileName(file));
        }

        foreach (var file in legacyInputs)
        {
            using var response = await app.Client.PostAsync("/", new StringContent(File.ReadAllText(file), Encoding.UTF8, "application/json"));

            Assert.True(response.IsSuccessStatusCode, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var expected = file.Replace("-legacy-input.json", "-cloudevent-output.json", StringComparison.Ordinal);
            AssertSameEvent(JsonNode.Parse(File.ReadAllText(expected))!.AsObject(), JsonNode.Parse(app.ReadOutput())!.AsObject(), Path.GetFileName(file));
        }
    }

    [Fact]
    public async Task Concurrent_TenInvocations_AreAllInsideTheFunctionTogether()
    {
        // The suite's own check times ten one-second calls; here a gate proves it without a clock: each call answers only
        // once all ten are inside the function at the same time.
        await using var app = await ConformanceApp.StartAsync("gated", "http");

        var calls = Enumerable.Range(0, 10).Select(_ => app.Client.PostAsync("/?expect=10", new StringContent("""{"data":"hello"}""", Encoding.UTF8, "application/json")));
        var responses = await Task.WhenAll(calls);

        foreach (var response in responses)
        {
            Assert.Equal("together", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>What the conformance validator compares: id, source, subject, type, time as an instant, datacontenttype, data as JSON.</summary>
    private static void AssertSameEvent(JsonObject expected, JsonObject actual, string name)
    {
        foreach (var attribute in new[] { "id", "source", "subject", "type", "datacontenttype" })
        {
            Assert.True(JsonNode.DeepEquals(expected[attribute], actual[attribute]), $"{name}: {attribute} expected {expected[attribute]} but was {actual[attribute]}");
        }

        Assert.Equal(DateTimeOffset.Parse(expected["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(actual["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(JsonNode.DeepEquals(expected["data"], actual["data"]), $"{name}: data expected {expected["data"]?.ToJsonString()} but was {actual["data"]?.ToJsonString()}");
    }

    private static class ConformanceApp
    {
        private static string AssemblyPath => RepositoryPaths.ProjectOutput("tests/Portable.Functions.GoogleCloudFunctions.Conformance", "Portable.Functions.GoogleCloudFunctions.Conformance");

        /// <summary>As the conformance client does: the target as the only argument, the signature type in the environment.</summary>
        public static Task<FunctionProcess> StartAsync(string target, string signatureType) =>
            FunctionProcess.StartAsync(AssemblyPath, target, [target], ("FUNCTION_SIGNATURE_TYPE", signatureType));
    }
}

internal static class FunctionProcessOutput
{
    public static string ReadOutput(this FunctionProcess process) => File.ReadAllText(Path.Combine(process.WorkingDirectory, "function_output.json"));
}
