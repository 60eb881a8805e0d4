using System.Text.Json.Nodes;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// What the real Worker SDK generated from the PortableFunction items: functions.metadata of the Greeter sample and of a
/// test app that declares every trigger kind (built before these tests by project references).
/// </summary>
public sealed class FunctionMetadataTests
{
    [Fact]
    public void GreeterSample_ListsGreetAsAnHttpPostOnRouteGreet_AndOrderPlacedAsAQueueTriggerOnOrders()
    {
        var functions = Read("samples/Greeter/Greeter.AzureFunctions", "Greeter.AzureFunctions");

        Assert.Equal(["greet", "order-placed"], functions.Keys.Order(StringComparer.Ordinal));
        var greet = Trigger(functions["greet"]);
        Assert.Equal(("httpTrigger", "greet", "post"), ((string?)greet["type"], (string?)greet["route"], string.Join(",", greet["methods"]!.AsArray().Select(m => (string?)m))));
        var orders = Trigger(functions["order-placed"]);
        Assert.Equal(("queueTrigger", "orders"), ((string?)orders["type"], (string?)orders["queueName"]));
        Assert.EndsWith("PortableFunctionEntryPoints.Run_order_placed", (string?)functions["order-placed"]["entryPoint"], StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTriggerKind_IsWrittenAsDeclared()
    {
        var functions = Read("tests/Portable.Functions.AzureFunctions.TriggersApp", "Portable.Functions.AzureFunctions.TriggersApp");

        var typed = Trigger(functions["typed"]);
        Assert.Equal(("httpTrigger", "Anonymous", "typed", "post"), ((string?)typed["type"], (string?)typed["authLevel"], (string?)typed["route"], Methods(typed)));
        var http = Trigger(functions["http"]);
        Assert.Equal(("http/{*rest}", false), ((string?)http["route"], http.ContainsKey("methods") && http["methods"]!.AsArray().Count > 0));
        var grid = Trigger(functions["event"]);
        Assert.Equal(("httpTrigger", "events", "options,post"), ((string?)grid["type"], (string?)grid["route"], Methods(grid)));
        var queue = Trigger(functions["queued"]);
        Assert.Equal(("queueTrigger", "%OrdersQueue%", "OrdersStorage"), ((string?)queue["type"], (string?)queue["queueName"], (string?)queue["connection"]));
        var blob = Trigger(functions["blob.created"]);
        Assert.Equal(("blobTrigger", "uploads/{name}", "UploadsStorage"), ((string?)blob["type"], (string?)blob["path"], (string?)blob["connection"]));
        var timer = Trigger(functions["nightly"]);
        Assert.Equal(("timerTrigger", "0 0 2 * * *", true), ((string?)timer["type"], (string?)timer["schedule"], (bool?)timer["runOnStartup"]));
        Assert.EndsWith("Run_blob_created", (string?)functions["blob.created"]["entryPoint"], StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonObject> Read(string project, string assembly)
    {
        var path = Path.Combine(Path.GetDirectoryName(RepositoryPaths.ProjectOutput(project, assembly))!, "functions.metadata");
        Assert.True(File.Exists(path), $"The Worker SDK wrote no {path}.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => (string)f["name"]!, f => f);
    }

    private static JsonObject Trigger(JsonObject function) =>
        function["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => (string?)b["direction"] == "In");

    private static string Methods(JsonObject trigger) => string.Join(",", trigger["methods"]!.AsArray().Select(m => (string?)m));
}
