using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.Benchmarks;

/// <summary>
/// In-process cost of one typed invocation through the core's invoker, against the floor of design section 9:
/// the handler called directly, with source-generated deserialization from a span and serialization into a reused
/// <see cref="Utf8JsonWriter"/>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Settings))]
public class InvocationBenchmark
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private byte[] _body = [];
    private Utf8JsonWriter _writer = null!;
    private PriceOrder _handler = null!;
    private ServiceProvider _services = null!;
    private IServiceScopeFactory _scopes = null!;
    private FunctionInvoker _invoker = null!;
    private FunctionHttpRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = JsonSerializer.SerializeToUtf8Bytes(PriceOrder.Sample(), BenchmarkJsonContext.Default.OrderRequest);
        _writer = new Utf8JsonWriter(_buffer);
        _handler = new PriceOrder();

        var services = new ServiceCollection();
        services.AddPortableFunctions(f => f.AddFunction<PriceOrder, OrderRequest, OrderResponse>("price").UseJsonContext(BenchmarkJsonContext.Default));
        _services = services.BuildServiceProvider();
        _scopes = _services.GetRequiredService<IServiceScopeFactory>();
        _invoker = _services.GetRequiredService<FunctionCatalog>().Select("price");
        _request = new FunctionHttpRequest
        {
            Method = "POST",
            Path = "/price",
            Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            Body = _body,
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "floor: handler + source-gen JSON")]
    public async Task<int> Floor()
    {
        var request = JsonSerializer.Deserialize(_body, BenchmarkJsonContext.Default.OrderRequest)!;
        var response = await _handler.HandleAsync(request, null!, CancellationToken.None);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, response, BenchmarkJsonContext.Default.OrderResponse);
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// The floor with the one thing design section 4 asks of every invocation before anything of the core's own: a DI
    /// scope, the function resolved from it (transient, as registered) and the scope disposed.
    /// </summary>
    [Benchmark(Description = "lower bound: floor + the invocation's DI scope, the function resolved from it")]
    public async Task<int> ScopedFloor()
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var handler = scope.ServiceProvider.GetRequiredService<PriceOrder>();
            var request = JsonSerializer.Deserialize(_body, BenchmarkJsonContext.Default.OrderRequest)!;
            var response = await handler.HandleAsync(request, null!, CancellationToken.None);
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            JsonSerializer.Serialize(_writer, response, BenchmarkJsonContext.Default.OrderResponse);
            return _buffer.WrittenCount;
        }
    }

    [Benchmark(Description = "core invoker: typed over FunctionHttpRequest")]
    public async Task<int> CoreInvoker()
    {
        using var result = await _invoker.InvokeHttpAsync(_request); // disposed once sent, as every adapter does
        return result.Response.Body.Length;
    }

    private sealed class Settings : ManualConfig
    {
        public Settings()
        {
            // The job comes from the command line: the default job for published numbers, `--job short` for a quick look.
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
