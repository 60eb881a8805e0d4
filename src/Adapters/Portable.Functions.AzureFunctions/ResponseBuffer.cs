using System.Buffers;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// The built-in model's response body while the shared layer writes it: a seekable, write-only stream over a buffer
/// rented from the pool, where a <see cref="MemoryStream"/> would allocate one per request. The layer writes the
/// function's body in one piece, the adapter copies <see cref="Written"/> to the worker's <c>HttpResponseData</c>, and
/// disposing returns the buffer. It never reaches user code: the built-in model's <c>HttpContext</c> is the adapter's own,
/// and the core buffers a streamed body itself, as it does for every host that cannot stream.
/// </summary>
internal sealed class ResponseBuffer : Stream
{
    private byte[] _buffer = [];
    private int _length;
    private int _position;
    private bool _disposed;

    public override bool CanRead => false;

    /// <summary>Gets a value indicating whether the stream can seek: it can, so that <c>HttpResponse.Clear()</c> empties it.</summary>
    public override bool CanSeek => !_disposed;

    public override bool CanWrite => !_disposed;

    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _length;
        }
    }

    public override long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _position;
        }

        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>Gets the bytes written; valid until the stream is disposed.</summary>
    public ReadOnlyMemory<byte> Written
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _buffer.AsMemory(0, _length);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var end = (long)_position + buffer.Length;
        if (end > Array.MaxLength)
        {
            throw new IOException("The response body is too long.");
        }

        Grow((int)end);
        if (_position > _length)
        {
            _buffer.AsSpan(_length, _position - _length).Clear(); // a seek past the end left a gap: it reads as zeros
        }

        buffer.CopyTo(_buffer.AsSpan(_position));
        _position = (int)end;
        _length = Math.Max(_length, _position);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void WriteByte(byte value) => Write([value]);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (position is < 0 or > int.MaxValue)
        {
            throw new IOException("An attempt was made to move the position outside the stream.");
        }

        _position = (int)position;
        return _position;
    }

    public override void SetLength(long value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Array.MaxLength);
        var length = (int)value;
        if (length > _length)
        {
            Grow(length);
            _buffer.AsSpan(_length, length - _length).Clear();
        }

        _length = length;
        _position = Math.Min(_position, _length); // as MemoryStream: truncating pulls the position back
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            Return(_buffer);
            _buffer = [];
            _length = _position = 0;
        }

        base.Dispose(disposing);
    }

    private static void Return(byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes room for <paramref name="size"/> bytes, doubling so that many small writes copy little.</summary>
    private void Grow(int size)
    {
        if (size <= _buffer.Length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(size, 2L * _buffer.Length), Array.MaxLength));
        _buffer.AsSpan(0, _length).CopyTo(grown);
        Return(_buffer);
        _buffer = grown;
    }
}
