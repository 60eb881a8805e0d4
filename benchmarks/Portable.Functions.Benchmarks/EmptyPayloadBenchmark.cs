using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.Benchmarks;

/// <summary>What an invocation costs with nothing to bind: <c>{}</c> in, <c>{"ok":true}</c> out, through the core's invoker.</summary>
[Config(typeof(BenchmarkSettings))]
public class EmptyPayloadBenchmark
{
    private static readonly byte[] Empty = "{}"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter _writer = null!;
    private readonly Ping _handler = new();
    private ServiceProvider _services = null!;
    private FunctionInvoker _invoker = null!;
    private FunctionHttpRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new Utf8JsonWriter(_buffer);
        _services = new ServiceCollection()
            .AddPortableFunctions(f => f.AddFunction<Ping, PingRequest, PingResponse>("ping").UseJsonContext(PingJsonContext.Default))
            .BuildServiceProvider();
        _invoker = _services.GetRequiredService<FunctionCatalog>().Select("ping");
        _request = new FunctionHttpRequest
        {
            Method = "POST",
            Path = "/ping",
            Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            Body = Empty,
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "floor: {} → handler → {\"ok\":true}")]
    public async Task<int> FloorAsync()
    {
        var request = JsonSerializer.Deserialize(Empty, PingJsonContext.Default.PingRequest)!;
        var response = await _handler.HandleAsync(request, null!, CancellationToken.None);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, response, PingJsonContext.Default.PingResponse);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "core invoker: typed, empty payload")]
    public async Task<int> CoreInvokerAsync()
    {
        using var result = await _invoker.InvokeHttpAsync(_request); // disposed once sent, as every adapter does
        return result.Response.Body.Length;
    }
}
