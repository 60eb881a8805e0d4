using System.Buffers;
using System.Text.Json;

namespace Portable.Functions.Benchmarks;

/// <summary>
/// The least any adapter must do with a Lambda event around the floor's work, written by hand for one known shape and
/// nothing else: one validating read of the event (the platform's JSON is read once, whoever reads it), the body
/// unescaped into a reused buffer, the floor's deserialization from it and the handler, and the answer — the HTTP API
/// response envelope with the response escaped into its <c>body</c>, or an SQS batch's <c>batchItemFailures</c> —
/// written into a reused writer. No detection, no headers kept, no context, no scope, no error handling: a lower bound
/// for the envelope adapters, against which the floor's ratio of 1.05 cannot be reached by any of them.
/// </summary>
public sealed class EnvelopeFloor : IDisposable
{
    private readonly PriceOrder _handler = new();
    private readonly ArrayBufferWriter<byte> _inner = new(4096);
    private readonly ArrayBufferWriter<byte> _outer = new(8192);
    private readonly Utf8JsonWriter _innerWriter;
    private readonly Utf8JsonWriter _outerWriter;
    private readonly byte[] _body = new byte[16384];

    public EnvelopeFloor()
    {
        _innerWriter = new Utf8JsonWriter(_inner);
        _outerWriter = new Utf8JsonWriter(_outer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>An HTTP API (payload 2.0) event in, its response envelope out.</summary>
    public async Task<int> HttpApiAsync(byte[] httpEvent)
    {
        var length = ReadBody(httpEvent);
        var request = JsonSerializer.Deserialize(_body.AsSpan(0, length), BenchmarkJsonContext.Default.OrderRequest)!;
        var response = await _handler.HandleAsync(request, null!, CancellationToken.None);
        _inner.ResetWrittenCount();
        _innerWriter.Reset(_inner);
        JsonSerializer.Serialize(_innerWriter, response, BenchmarkJsonContext.Default.OrderResponse);

        _outer.ResetWrittenCount();
        _outerWriter.Reset(_outer);
        _outerWriter.WriteStartObject();
        _outerWriter.WriteNumber("statusCode"u8, 200);
        _outerWriter.WriteStartObject("headers"u8);
        _outerWriter.WriteString("content-type"u8, "application/json"u8);
        _outerWriter.WriteEndObject();
        _outerWriter.WriteString("body"u8, _inner.WrittenSpan);
        _outerWriter.WriteBoolean("isBase64Encoded"u8, false);
        _outerWriter.WriteEndObject();
        _outerWriter.Flush();
        return _outer.WrittenCount;
    }

    /// <summary>An SQS batch in, each record's body deserialized and handed to the handler, an empty failure list out.</summary>
    public int SqsBatch(byte[] sqsEvent)
    {
        var reader = new Utf8JsonReader(sqsEvent);
        decimal sum = 0;
        while (reader.Read())
        {
            // A record's members are at depth 3: { "Records": [ { "body": ... } ] }.
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3 && reader.ValueTextEquals("body"u8))
            {
                reader.Read();
                var length = reader.CopyString(_body);
                var order = JsonSerializer.Deserialize(_body.AsSpan(0, length), BenchmarkJsonContext.Default.OrderRequest)!;
                sum += RecordOrder.Total(order);
            }
        }

        _outer.ResetWrittenCount();
        _outerWriter.Reset(_outer);
        _outerWriter.WriteStartObject();
        _outerWriter.WriteStartArray("batchItemFailures"u8);
        _outerWriter.WriteEndArray();
        _outerWriter.WriteEndObject();
        _outerWriter.Flush();
        return sum < 0 ? -1 : _outer.WrittenCount;
    }

    // Every token of the event read (and so validated) once; the body, plain JSON in the one shape this knows, unescaped.
    private int ReadBody(byte[] httpEvent)
    {
        var reader = new Utf8JsonReader(httpEvent);
        var length = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("body"u8))
            {
                reader.Read();
                length = reader.CopyString(_body);
            }
        }

        return length;
    }

    public void Dispose()
    {
        _innerWriter.Dispose();
        _outerWriter.Dispose();
    }
}
