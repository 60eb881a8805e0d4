using System.Buffers;
using System.Text.Json;

namespace Portable.Functions.Benchmarks;

/// <summary>
/// The floor of design section 9, shared by every benchmark class as its baseline: the handler called directly, with
/// source-generated deserialization of the ~1 KB request from a span and serialization into a reused writer.
/// </summary>
public sealed class Floor : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly PriceOrder _handler = new();

    public Floor()
    {
        _writer = new Utf8JsonWriter(_buffer);
        Body = JsonSerializer.SerializeToUtf8Bytes(PriceOrder.Sample(), BenchmarkJsonContext.Default.OrderRequest);
    }

    /// <summary>Gets the request's JSON (about 1 KB).</summary>
    public byte[] Body { get; }

    public async Task<int> RunAsync(byte[] body)
    {
        var request = JsonSerializer.Deserialize(body, BenchmarkJsonContext.Default.OrderRequest)!;
        var response = await _handler.HandleAsync(request, null!, CancellationToken.None);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, response, BenchmarkJsonContext.Default.OrderResponse);
        return _buffer.WrittenCount;
    }

    public void Dispose() => _writer.Dispose();
}
