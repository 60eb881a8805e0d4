using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Http;

namespace Portable.Functions.Benchmarks;

/// <summary>
/// The HTTP host's request pipeline without Kestrel: a typed POST through <see cref="FunctionRequestHandler"/> over an
/// in-memory <see cref="DefaultHttpContext"/> (its objects are the transport's, which Kestrel pools), against the floor.
/// </summary>
[Config(typeof(BenchmarkSettings))]
public class HttpHostBenchmark
{
    private Floor _floor = null!;
    private ServiceProvider _services = null!;
    private FunctionRequestHandler _handler = null!;

    [GlobalSetup]
    public void Setup()
    {
        _floor = new Floor();
        _services = new ServiceCollection()
            .AddPortableFunctions(f => f.AddFunction<PriceOrder, OrderRequest, OrderResponse>("price").UseJsonContext(BenchmarkJsonContext.Default))
            .BuildServiceProvider();
        _handler = new FunctionRequestHandler(_services.GetRequiredService<FunctionCatalog>().Select("price"));
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
    public async Task<long> TransportAsync()
    {
        var context = InMemoryHttp.Post("/price", "application/json", _floor.Body, _services);
        await using var scope = (AsyncServiceScope)context.Items[InMemoryHttp.ScopeKey]!;
        return context.Response.Body.Length;
    }

    [Benchmark(Description = "Http host: typed POST, in-memory HttpContext")]
    public async Task<long> HttpHostAsync()
    {
        var context = InMemoryHttp.Post("/price", "application/json", _floor.Body, _services);
        await _handler.HandleAsync(context);
        await using var scope = (AsyncServiceScope)context.Items[InMemoryHttp.ScopeKey]!;
        return context.Response.Body.Length;
    }
}

/// <summary>One request as ASP.NET Core hands it to middleware: features, a request body, a response body, a service scope.</summary>
internal static class InMemoryHttp
{
    public static readonly object ScopeKey = new();

    public static DefaultHttpContext Post(string path, string contentType, byte[] body, IServiceProvider services, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Scheme = "http";
        request.Host = new HostString("localhost", 8080);
        request.Path = path;
        request.ContentType = contentType;
        request.ContentLength = body.Length;
        request.Body = new MemoryStream(body, writable: false);
        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        context.Response.Body = new MemoryStream(256);
        var scope = services.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        context.Items[ScopeKey] = scope;
        return context;
    }
}
