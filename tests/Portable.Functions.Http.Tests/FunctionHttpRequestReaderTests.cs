using Microsoft.AspNetCore.Http;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// <see cref="FunctionHttpRequestReader"/> over an in-memory <see cref="DefaultHttpContext"/>, whose body stream, unlike
/// a server's, need not keep to its declared length.
/// </summary>
public sealed class FunctionHttpRequestReaderTests
{
    private static DefaultHttpContext Post(byte[] body, long? declaredLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentLength = declaredLength;
        context.Request.Body = new MemoryStream(body, writable: false);
        return context;
    }

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(64 * 1024)]
    [InlineData(70_000)]
    public async Task ReadAsync_DeclaredLength_ReadsTheWholeBody(int length)
    {
        var body = Bytes(length);

        var request = await FunctionHttpRequestReader.ReadAsync(Post(body, length), maxBodySize: 100_000);

        Assert.Equal(body, request!.Body.ToArray());
    }

    [Fact]
    public async Task ReadAsync_BodyShorterThanDeclared_ReadsWhatArrived()
    {
        var request = await FunctionHttpRequestReader.ReadAsync(Post(Bytes(10), declaredLength: 50), maxBodySize: 100);

        Assert.Equal(Bytes(10), request!.Body.ToArray());
    }

    [Fact]
    public async Task ReadAsync_BodyLongerThanDeclared_ReadsItToItsEnd()
    {
        var request = await FunctionHttpRequestReader.ReadAsync(Post(Bytes(40_000), declaredLength: 10), maxBodySize: 100_000);

        Assert.Equal(Bytes(40_000), request!.Body.ToArray());
    }

    [Fact]
    public async Task ReadAsync_BodyRunsOnPastTheLimit_ReturnsNull()
    {
        var request = await FunctionHttpRequestReader.ReadAsync(Post(Bytes(40_000), declaredLength: 10), maxBodySize: 30_000);

        Assert.Null(request);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverTheLimit_ReturnsNull()
    {
        var request = await FunctionHttpRequestReader.ReadAsync(Post(Bytes(10), declaredLength: 101), maxBodySize: 100);

        Assert.Null(request);
    }

    [Fact]
    public async Task ReadAsync_NoDeclaredLength_ReadsTheWholeBody()
    {
        var request = await FunctionHttpRequestReader.ReadAsync(Post(Bytes(5_000), declaredLength: null), maxBodySize: 100_000);

        Assert.Equal(Bytes(5_000), request!.Body.ToArray());
    }

    [Fact]
    public async Task ReadAsync_NoQueryNoCookies_ViewsAnswerAsEmptyCollections()
    {
        var request = await FunctionHttpRequestReader.ReadAsync(Post([], declaredLength: 0), maxBodySize: 100);

        Assert.Empty(request!.Query);
        Assert.Equal(string.Empty, request.Query["missing"].ToString());
        Assert.False(request.Query.ContainsKey("missing"));
        Assert.Empty(request.Cookies);
        Assert.Throws<KeyNotFoundException>(() => request.Cookies["missing"]);
        Assert.False(request.Cookies.TryGetValue("missing", out _));
    }

    [Fact]
    public async Task ReadAsync_QueryAndCookies_ViewsShowThem()
    {
        var context = Post([], declaredLength: 0);
        context.Request.QueryString = new QueryString("?a=1&a=2&b=x");
        context.Request.Headers.Cookie = "session=abc; theme=dark";

        var request = await FunctionHttpRequestReader.ReadAsync(context, maxBodySize: 100);

        Assert.Equal("a=1&a=2&b=x", request!.QueryString);
        Assert.Equal(["1", "2"], request.Query["a"].ToArray());
        Assert.Equal(["a", "b"], request.Query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("abc", request.Cookies["session"]);
        Assert.Equal(2, request.Cookies.Count);
    }

    [Fact]
    public async Task ReadAsync_QuerySetAsCollection_ViewShowsIt()
    {
        var context = Post([], declaredLength: 0);
        context.Request.Query = new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["q"] = "v" });

        var request = await FunctionHttpRequestReader.ReadAsync(context, maxBodySize: 100);

        Assert.Equal("v", request!.Query["q"].ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_BodyArrivingInSmallPiecesLater_ReadsItWhole(bool declared)
    {
        foreach (var length in new[] { 20_000, 90_000 })
        {
            var context = Post([], declaredLength: declared ? length : null);
            context.Request.Body = new TricklingStream(Bytes(length), pieceSize: 7_777);

            var request = await FunctionHttpRequestReader.ReadAsync(context, maxBodySize: 100_000);

            Assert.Equal(Bytes(length), request!.Body.ToArray());
        }
    }

    /// <summary>A body that arrives a piece at a time, each after the reader has had to wait, as from a slow client.</summary>
    private sealed class TricklingStream(byte[] data, int pieceSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var count = Math.Min(Math.Min(buffer.Length, pieceSize), data.Length - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
