using System.Text;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The one writer of every Lambda response envelope and error body: compact JSON, the members in the documented order,
/// the ones a shape does not have left out, relaxed escaping (a JSON body reads <c>{\"a\":1}</c>), and the same bytes
/// whether its reused per-thread buffer was used before or not.
/// </summary>
public sealed class EnvelopeWriterTests
{
    [Fact]
    public void WriteHttpResponse_HttpApiShape_IsCompactJson_WithRelaxedEscaping_AndCookiesOnlyWhenThereAreSome()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = "application/json", ["x-é"] = "<\"tab\t\">" };

        var withCookies = Text(EnvelopeWriter.WriteHttpResponse(201, null, headers, null, ["a=1; Path=/"], Encoding.UTF8.GetBytes("{\"a\":\"é 😀\n\"}"), false));
        var binary = Text(EnvelopeWriter.WriteHttpResponse(200, null, [], null, [], [0xFF, 0x00], true));
        var empty = Text(EnvelopeWriter.WriteHttpResponse(204, null, [], null, null, [], false));

        Assert.Equal(
            """{"statusCode":201,"headers":{"content-type":"application/json","x-é":"<\"tab\t\">"},"cookies":["a=1; Path=/"],"body":"{\"a\":\"é \uD83D\uDE00\n\"}","isBase64Encoded":false}""",
            withCookies);
        Assert.Equal("""{"statusCode":200,"headers":{},"body":"/wA=","isBase64Encoded":true}""", binary);
        Assert.Equal("""{"statusCode":204,"headers":{},"body":"","isBase64Encoded":false}""", empty);
    }

    [Fact]
    public void WriteHttpResponse_AlbAndRestShapes_HaveTheirMembersInOrder()
    {
        var alb = Text(EnvelopeWriter.WriteHttpResponse(404, "404 Not Found", null, new() { ["set-cookie"] = ["a=1", "b=2"] }, null, "gone"u8, false));
        var rest = Text(EnvelopeWriter.WriteHttpResponse(200, null, new() { ["Content-Type"] = "text/plain" }, null, null, "ok"u8, false));

        Assert.Equal("""{"statusCode":404,"statusDescription":"404 Not Found","multiValueHeaders":{"set-cookie":["a=1","b=2"]},"body":"gone","isBase64Encoded":false}""", alb);
        Assert.Equal("""{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"ok","isBase64Encoded":false}""", rest);
    }

    [Fact]
    public void WriteHttpResponse_StreamingPrelude_HasNoBodyMembers_AndEndsWithEightZeroBytes()
    {
        var prelude = EnvelopeWriter.WriteHttpResponse(200, null, new() { ["content-type"] = "text/plain" }, null, ["a=1"], default, null, trailingZeros: 8).ToArray();

        Assert.Equal("""{"statusCode":200,"headers":{"content-type":"text/plain"},"cookies":["a=1"]}""", Encoding.UTF8.GetString(prelude.AsSpan(0, prelude.Length - 8)));
        Assert.Equal(new byte[8], prelude[^8..]);
    }

    [Fact]
    public void WriteHttpResponse_AfterALargeResponse_WritesTheSameBytes()
    {
        var small = EnvelopeWriter.WriteHttpResponse(200, null, [], null, null, "small"u8, false).ToArray();
        _ = EnvelopeWriter.WriteHttpResponse(200, null, [], null, null, new byte[200 * 1024], true); // grows the buffer past what is kept
        var again = EnvelopeWriter.WriteHttpResponse(200, null, [], null, null, "small"u8, false).ToArray();

        Assert.Equal(small, again);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(300 * 1024)] // larger than the per-thread buffer kept
    public void WriteHttpResponse_Rented_IsTheSameBytesInAPooledArray(int bodyLength)
    {
        var body = Encoding.UTF8.GetBytes(new string('é', bodyLength));
        var exact = EnvelopeWriter.WriteHttpResponse(200, "200 OK", new() { ["a"] = "b" }, null, ["c=1"], body, false);
        var rented = EnvelopeWriter.WriteHttpResponse(200, "200 OK", new() { ["a"] = "b" }, null, ["c=1"], body, false, rent: true);

        Assert.Equal(exact.Count, exact.Array!.Length); // the exact array is the whole of it
        Assert.Equal(0, rented.Offset);
        Assert.True(rented.Array!.Length >= rented.Count);
        Assert.Equal(exact.ToArray(), rented.ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(rented.Array);
    }

    [Fact]
    public void WriteError_IsTheCanonicalErrorBody()
    {
        Assert.Equal(
            """{"errorType":"Function.InvalidEvent","errorMessage":"The \"body\" is <bad>.","stackTrace":[]}""",
            Text(EnvelopeWriter.WriteError("Function.InvalidEvent", "The \"body\" is <bad>.", [])));
        Assert.Equal(
            """{"errorType":"InvalidOperationException","errorMessage":"m","stackTrace":["at A()","at B()"]}""",
            Text(EnvelopeWriter.WriteError("InvalidOperationException", "m", ["at A()", "at B()"])));
    }

    private static string Text(byte[] json) => Encoding.UTF8.GetString(json);

    private static string Text(ArraySegment<byte> json) => Encoding.UTF8.GetString(json.AsSpan());
}
