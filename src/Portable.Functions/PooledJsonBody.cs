using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Functions;

/// <summary>
/// Serializes a typed function's response into an array rented from <see cref="ArrayPool{T}.Shared"/>, with a writer
/// kept per thread, instead of a new array of the body's exact size: the response holds the rented array until its
/// <see cref="FunctionResult"/> is disposed (the adapter has sent it), as <see cref="JsonDocument"/> holds its own. A
/// result nobody disposes leaves its array to the collector, no worse than before.
/// </summary>
internal static class PooledJsonBody
{
    /// <summary>Arrays up to this size go back to the pool; a larger body's array is left to the collector.</summary>
    internal const int MaxPooledLength = 1024 * 1024;

    [ThreadStatic]
    private static RentedBufferWriter? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The writer options <see cref="JsonSerializer.SerializeToUtf8Bytes{TValue}(TValue, JsonTypeInfo{TValue})"/> writes
    /// with for <paramref name="options"/>, so that the bytes are the same: its encoder, indentation and new line.
    /// </summary>
    public static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        SkipValidation = true, // as the serializer's own writers: its converters write valid JSON
    };

    /// <summary>Serializes <paramref name="value"/> into a rented array.</summary>
    /// <returns>The rented array and how many of its bytes are the body.</returns>
    public static (byte[] Array, int Length) Serialize<T>(T value, JsonTypeInfo<T> typeInfo, in JsonWriterOptions writerOptions)
    {
        var buffer = t_buffer ?? new RentedBufferWriter();
        t_buffer = null; // a converter that serializes a response of its own on this thread gets a buffer of its own
        var writer = t_writer;
        t_writer = null;
        if (writer is null || !SameOptions(writer.Options, writerOptions))
        {
            writer?.Dispose();
            writer = new Utf8JsonWriter(buffer, writerOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
            writer.Flush();
            return buffer.Detach();
        }
        catch
        {
            buffer.Discard();
            throw;
        }
        finally
        {
            t_writer = writer; // the buffer it points at holds no array between serializations
            t_buffer = buffer;
        }
    }

    /// <summary>Returns a body's array to the pool.</summary>
    public static void Return(byte[] array)
    {
#if DEBUG
        array.AsSpan().Fill((byte)'#'); // a body read after it was given back reads as garbage in tests, not by luck as itself
#endif
        if (array.Length <= MaxPooledLength)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static bool SameOptions(in JsonWriterOptions a, in JsonWriterOptions b) =>
        ReferenceEquals(a.Encoder, b.Encoder)
        && a.Indented == b.Indented
        && a.IndentCharacter == b.IndentCharacter
        && a.IndentSize == b.IndentSize
        && string.Equals(a.NewLine, b.NewLine, StringComparison.Ordinal)
        && a.MaxDepth == b.MaxDepth
        && a.SkipValidation == b.SkipValidation;

    /// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool, handed over whole when done.</summary>
    private sealed class RentedBufferWriter : IBufferWriter<byte>
    {
        private const int InitialSize = 512;

        private byte[]? _array;
        private int _written;

        public void Advance(int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            if (_array is null || _written + count > _array.Length)
            {
                throw new InvalidOperationException("Advanced past the buffer's end.");
            }

            _written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsSpan(_written);
        }

        /// <summary>Hands the array over to the response; the writer starts from nothing next time.</summary>
        public (byte[] Array, int Length) Detach()
        {
            var array = _array ?? [];
            var length = _written;
            _array = null;
            _written = 0;
            return (array, length);
        }

        /// <summary>Returns what was written so far (a serialization that failed).</summary>
        public void Discard()
        {
            if (_array is { } array)
            {
                Return(array);
            }

            _array = null;
            _written = 0;
        }

        [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_array))]
        private void Ensure(int sizeHint)
        {
            var needed = _written + Math.Max(sizeHint, 1);
            if (_array is not null && needed <= _array.Length)
            {
                return;
            }

            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array is null ? InitialSize : checked(_array.Length * 2)));
            if (_array is { } old)
            {
                old.AsSpan(0, _written).CopyTo(grown);
                Return(old);
            }

            _array = grown;
        }
    }
}
