using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.GoogleCloudFunctions;

namespace Portable.Functions.Benchmarks;

/// <summary>The Functions Framework host without Kestrel: a binary-mode CloudEvent carrying the ~1 KB order to an event function.</summary>
[Config(typeof(BenchmarkSettings))]
public class GoogleCloudFunctionsBenchmark
{
    private static readonly (string, string)[] CloudEventHeaders =
        [("ce-specversion", "1.0"), ("ce-id", "1234567890"), ("ce-source", "//pubsub.googleapis.com/projects/p/topics/orders"), ("ce-type", "google.cloud.pubsub.topic.v1.messagePublished"), ("ce-time", "2026-01-01T12:00:00Z")];

    private Floor _floor = null!;
    private ServiceProvider _services = null!;
    private FunctionsFrameworkHandler _handler = null!;

    [GlobalSetup]
    public void Setup()
    {
        _floor = new Floor();
        _services = new ServiceCollection()
            .AddPortableFunctions(f => f.AddEventFunction<RecordOrder, OrderRequest>("record").UseJsonContext(BenchmarkJsonContext.Default))
            .BuildServiceProvider();
        _handler = new FunctionsFrameworkHandler(_services.GetRequiredService<FunctionCatalog>().Select("record"), new GoogleCloudFunctionsOptions { UnwrapEventData = false });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floor.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "floor: handler + source-gen JSON")]
    public Task<int> FloorAsync() => _floor.RunAsync(_floor.Body);

    /// <summary>What the in-memory transport itself costs (Kestrel's share, pooled on a real server): subtract it from the row below.</summary>
    [Benchmark(Description = "transport alone: the in-memory HttpContext and its scope")]
    public async Task<int> TransportAsync()
    {
        var context = InMemoryHttp.Post("/", "application/json", _floor.Body, _services, CloudEventHeaders);
        await using var scope = (Microsoft.Extensions.DependencyInjection.AsyncServiceScope)context.Items[InMemoryHttp.ScopeKey]!;
        return context.Response.StatusCode;
    }

    [Benchmark(Description = "GCF: binary CloudEvent → 204")]
    public async Task<int> BinaryCloudEventAsync()
    {
        var context = InMemoryHttp.Post("/", "application/json", _floor.Body, _services, CloudEventHeaders);
        await _handler.HandleAsync(context);
        await using var scope = (Microsoft.Extensions.DependencyInjection.AsyncServiceScope)context.Items[InMemoryHttp.ScopeKey]!;
        return context.Response.StatusCode;
    }
}
