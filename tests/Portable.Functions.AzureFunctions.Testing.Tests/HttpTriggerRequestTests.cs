using System.Text;
using Google.Protobuf.Collections;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>The RpcHttp and trigger metadata the emulator makes of a test's request, without a worker.</summary>
public sealed class HttpTriggerRequestTests
{
    private static readonly Dictionary<string, string> DotnetWorker = new()
    {
        ["RpcHttpBodyOnly"] = "True",
        ["RawHttpBodyBytes"] = "True",
        ["UseNullableValueDictionaryForHttp"] = "True",
    };

    [Fact]
    public async Task ToRpcHttp_DotnetWorkerCapabilities_NullableMapsAndRawBodyBytes()
    {
        var http = await CreateAsync(new HttpRequestMessage(HttpMethod.Post, "/api/items/42?q=a&q=b&code=secret")
        {
            Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"),
            Headers = { { "X-Test", "yes" } },
        });

        var rpc = http.ToRpcHttp(DotnetWorker);

        Assert.Equal("POST", rpc.Method);
        Assert.Equal("http://localhost:7071/api/items/42?q=a&q=b&code=secret", rpc.Url);
        Assert.Equal("yes", rpc.NullableHeaders["x-test"].Value);
        Assert.Equal("localhost:7071", rpc.NullableHeaders["host"].Value);
        Assert.Equal("application/json; charset=utf-8", rpc.NullableHeaders["content-type"].Value);
        Assert.Empty(rpc.Headers);
        Assert.Equal("a,b", rpc.NullableQuery["q"].Value);
        Assert.Equal("42", rpc.NullableParams["id"].Value);
        Assert.Equal("{\"a\":1}", rpc.Body.Bytes.ToStringUtf8());
        Assert.Null(rpc.RawBody);
    }

    [Fact]
    public async Task ToRpcHttp_WorkerWithoutBodyOnly_SendsParsedBodyAndRawBodyAndPlainMaps()
    {
        var http = await CreateAsync(new HttpRequestMessage(HttpMethod.Post, "/api/items/7") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") });

        var rpc = http.ToRpcHttp(new Dictionary<string, string>());

        Assert.Equal("{\"a\":1}", rpc.Body.Json);
        Assert.Equal("{\"a\":1}", rpc.RawBody.String);
        Assert.Equal("7", rpc.Params["id"]);
        Assert.Equal("localhost:7071", rpc.Headers["host"]);
        Assert.Empty(rpc.NullableHeaders);
    }

    [Fact]
    public async Task AddTriggerMetadata_RouteAndQueryValues_AndQueryAndHeadersAsJson()
    {
        var http = await CreateAsync(new HttpRequestMessage(HttpMethod.Put, "/api/items/9?x=1&code=key") { Headers = { { "X-Test", "yes" } } });
        var metadata = new MapField<string, TypedData>();

        http.AddTriggerMetadata(metadata);

        Assert.Equal("9", metadata["id"].String);
        Assert.Equal("1", metadata["x"].String);
        Assert.False(metadata.ContainsKey("code"));
        Assert.Equal("""{"x":"1","code":"key"}""", metadata["Query"].Json);
        Assert.Equal("""{"Host":"localhost:7071","X-Test":"yes"}""", metadata["Headers"].Json);
    }

    [Fact]
    public async Task CreateAsync_NoUriAndARouteWithoutParameters_UsesTheRoute()
    {
        var function = Function("""{"name":"req","type":"httpTrigger","direction":"In","methods":["get"],"route":"health"}""");

        var http = await HttpTriggerRequest.CreateAsync(new HttpRequestMessage(HttpMethod.Get, (Uri?)null), function, new AzureFunctionsHostEmulatorOptions(), default);

        Assert.Equal("http://localhost:7071/api/health", http.Url.AbsoluteUri);
    }

    [Fact]
    public async Task CreateAsync_EmptyRoutePrefixAndNoRoute_MatchesTheFunctionName()
    {
        var function = Function("""{"name":"req","type":"httpTrigger","direction":"In"}""");
        var options = new AzureFunctionsHostEmulatorOptions { RoutePrefix = string.Empty, HostBaseAddress = new Uri("https://example.test/") };

        var http = await HttpTriggerRequest.CreateAsync(new HttpRequestMessage(HttpMethod.Delete, "/Probe"), function, options, default);

        Assert.Equal("https://example.test/Probe", http.Url.AbsoluteUri);
        await Assert.ThrowsAsync<ArgumentException>(() => HttpTriggerRequest.CreateAsync(new HttpRequestMessage(HttpMethod.Get, "/api/Probe"), function, options, default));
    }

    [Fact]
    public async Task ToProxiedRequest_KeepsMethodPathHeadersAndBody_AddsTheInvocationId()
    {
        var http = await CreateAsync(new HttpRequestMessage(HttpMethod.Post, "/api/items/42?q=1")
        {
            Content = new StringContent("body", Encoding.UTF8, "text/plain"),
            Headers = { { "X-Test", "yes" } },
        });

        using var proxied = http.ToProxiedRequest(new Uri("http://127.0.0.1:5555/"), "inv-1");

        Assert.Equal("http://127.0.0.1:5555/api/items/42?q=1", proxied.RequestUri!.AbsoluteUri);
        Assert.Equal(HttpMethod.Post, proxied.Method);
        Assert.Equal("inv-1", Assert.Single(proxied.Headers.GetValues("x-ms-invocation-id")));
        Assert.Equal("yes", Assert.Single(proxied.Headers.GetValues("X-Test")));
        Assert.Equal("text/plain; charset=utf-8", proxied.Content!.Headers.ContentType!.ToString());
        Assert.Equal("body", await proxied.Content.ReadAsStringAsync());
    }

    private static Task<HttpTriggerRequest> CreateAsync(HttpRequestMessage request) =>
        HttpTriggerRequest.CreateAsync(request, Function("""{"name":"req","type":"httpTrigger","direction":"In","methods":["post","put"],"route":"items/{id:int}"}"""), new AzureFunctionsHostEmulatorOptions(), default);

    private static EmulatedFunction Function(string trigger) =>
        new("Probe", "id-1", "App.dll", "App.Functions.Probe", string.Empty, "dotnet-isolated", [trigger], new Dictionary<string, string>(), null);
}
