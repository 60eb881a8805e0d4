using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Functions.AzureFunctions;
using Portable.Functions.AzureFunctions.Tests;

namespace Portable.Functions.Benchmarks;

/// <summary>
/// The generated Azure entry points without the worker's gRPC: an HTTP POST of the ~1 KB order in the ASP.NET Core
/// integration (<see cref="HttpRequest"/>) and in the built-in model (<c>HttpRequestData</c>), and a queue message to an
/// event function. The worker's <c>FunctionContext</c> (one service scope per invocation) is the tests' faithful fake.
/// </summary>
[Config(typeof(BenchmarkSettings))]
public class AzureFunctionsBenchmark
{
    private static readonly KeyValuePair<string, string>[] Headers = [new("Content-Type", "application/json"), new("Host", "bench.azurewebsites.net")];
    private static readonly Uri Url = new("https://bench.azurewebsites.net/api/price");

    private Floor _floor = null!;
    private TestWorker _worker = null!;
    private string _message = string.Empty;
    private Dictionary<string, object?> _queueData = null!;

    [GlobalSetup]
    public void Setup()
    {
        _floor = new Floor();
        _worker = new TestWorker(services => services
            .AddLogging(logging => logging.ClearProviders())
            .AddPortableFunctions(f => f
                .AddFunction<PriceOrder, OrderRequest, OrderResponse>("price")
                .AddEventFunction<RecordOrder, OrderRequest>("record")
                .UseJsonContext(BenchmarkJsonContext.Default))
            .AddPortableFunctionsAzureFunctions());
        _message = System.Text.Encoding.UTF8.GetString(_floor.Body);
        _queueData = new Dictionary<string, object?>
        {
            ["Id"] = "b0c1d2e3-0000-4000-8000-000000000001",
            ["DequeueCount"] = "1",
            ["InsertionTime"] = "\"2026-01-01T12:00:00+00:00\"",
            ["ExpirationTime"] = "\"2026-01-08T12:00:00+00:00\"",
            ["NextVisibleTime"] = "\"2026-01-01T12:10:00+00:00\"",
            ["PopReceipt"] = "AgAAAAMAAAAAAAAA",
        };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _floor.Dispose();
        await _worker.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "floor: handler + source-gen JSON")]
    public Task<int> FloorAsync() => _floor.RunAsync(_floor.Body);

    /// <summary>What the worker and the in-memory transport cost (the worker's context and scope, the request): subtract it from the row below.</summary>
    [Benchmark(Description = "worker and transport alone: ASP.NET Core integration")]
    public long AspNetCoreTransport() => AspNetCoreRequest(_worker.NewContext("price")).Body.Length;

    [Benchmark(Description = "Azure: HTTP, ASP.NET Core integration")]
    public async Task<long> AspNetCoreAsync()
    {
        var worker = _worker.NewContext("price");
        var request = AspNetCoreRequest(worker);
        await AzureFunctionsEntryPoint.HttpAsync("price", request, worker);
        return request.HttpContext.Response.Body.Length;
    }

    /// <summary>What the worker and the in-memory transport cost: subtract it from the row below.</summary>
    [Benchmark(Description = "worker and transport alone: built-in model")]
    public long HttpRequestDataTransport()
    {
        var worker = _worker.NewContext("price");
        return new TestHttpRequestData(worker, "POST", Url, _floor.Body, Headers).Body.Length;
    }

    [Benchmark(Description = "Azure: HTTP, built-in model (HttpRequestData)")]
    public async Task<long> HttpRequestDataAsync()
    {
        var worker = _worker.NewContext("price");
        var response = await AzureFunctionsEntryPoint.HttpAsync("price", new TestHttpRequestData(worker, "POST", Url, _floor.Body, Headers), worker);
        return response.Body.Length;
    }

    /// <summary>What the worker costs (its context and scope, the binding data): subtract it from the row below.</summary>
    [Benchmark(Description = "worker alone: queue message")]
    public int QueueTransport() => _worker.NewContext("record", _queueData).BindingContext.BindingData.Count;

    [Benchmark(Description = "Azure: queue message → event function")]
    public async Task<int> QueueAsync()
    {
        var worker = _worker.NewContext("record", _queueData);
        await AzureFunctionsEntryPoint.QueueAsync("record", "orders", _message, worker);
        return 0;
    }

    private HttpRequest AspNetCoreRequest(TestFunctionContext worker)
    {
        var http = new DefaultHttpContext { RequestServices = worker.InstanceServices };
        http.Request.Method = "POST";
        http.Request.Path = "/api/price";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = _floor.Body.Length;
        http.Request.Body = new MemoryStream(_floor.Body, writable: false);
        http.Response.Body = new MemoryStream(256);
        return http.Request;
    }
}
