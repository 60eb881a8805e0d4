using Microsoft.AspNetCore.Http;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>The built-in model's pooled response body: it keeps what is written, as the MemoryStream it replaces did.</summary>
public sealed class ResponseBufferTests
{
    [Fact]
    public async Task Write_InPieces_KeepsEveryByteInOrder()
    {
        using var buffer = new ResponseBuffer();
        var large = Enumerable.Range(0, 5000).Select(static i => (byte)i).ToArray();

        buffer.Write("ab"u8);
        await buffer.WriteAsync(large, TestContext.Current.CancellationToken);
        buffer.WriteByte((byte)'z');

        Assert.Equal([.. "ab"u8.ToArray(), .. large, (byte)'z'], buffer.Written.ToArray());
        Assert.Equal(5003, buffer.Length);
        Assert.Equal(5003, buffer.Position);
    }

    [Fact]
    public void Nothing_Written_IsEmpty()
    {
        using var buffer = new ResponseBuffer();

        Assert.True(buffer.Written.IsEmpty);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void HttpResponseClear_AfterAWrite_EmptiesIt()
    {
        using var buffer = new ResponseBuffer();
        var http = new DefaultHttpContext();
        http.Response.Body = buffer;
        http.Response.Body.Write("partial"u8);

        http.Response.Clear();
        http.Response.Body.Write("problem"u8);

        Assert.Equal("problem"u8.ToArray(), buffer.Written.ToArray());
    }

    [Fact]
    public void Seek_PastTheEndThenWrite_LeavesZerosBetween_AsMemoryStream()
    {
        using var buffer = new ResponseBuffer();
        using var memory = new MemoryStream();
        foreach (var stream in new Stream[] { buffer, memory })
        {
            stream.Write("ab"u8);
            stream.Seek(2, SeekOrigin.Current);
            stream.Write("c"u8);
            stream.Position = 1;
            stream.Write("x"u8);
        }

        Assert.Equal(memory.ToArray(), buffer.Written.ToArray());
        Assert.Equal(memory.Position, buffer.Position);
    }

    [Fact]
    public void SetLength_ShorterThenLonger_TruncatesThenZeroFills_AsMemoryStream()
    {
        using var buffer = new ResponseBuffer();
        using var memory = new MemoryStream();
        foreach (var stream in new Stream[] { buffer, memory })
        {
            stream.Write("abcdef"u8);
            stream.SetLength(2);
            stream.SetLength(4);
        }

        Assert.Equal(memory.ToArray(), buffer.Written.ToArray());
        Assert.Equal(memory.Position, buffer.Position);
    }

    [Fact]
    public async Task WriteAsync_Cancelled_WritesNothing()
    {
        using var buffer = new ResponseBuffer();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await buffer.WriteAsync("x"u8.ToArray(), new CancellationToken(canceled: true)));

        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Dispose_Twice_ThenUse_Throws()
    {
        var buffer = new ResponseBuffer();
        buffer.Write("x"u8);

        buffer.Dispose();
        buffer.Dispose(); // the rented buffer goes back once

        Assert.Throws<ObjectDisposedException>(() => buffer.Written);
        Assert.Throws<ObjectDisposedException>(() => buffer.Write("y"u8));
        Assert.False(buffer.CanWrite);
    }
}
