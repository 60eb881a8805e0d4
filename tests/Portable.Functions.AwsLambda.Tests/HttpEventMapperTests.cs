using Microsoft.Extensions.Primitives;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class HttpEventMapperTests
{
    [Theory]
    [InlineData("apigw-rest.json")]
    [InlineData("apigw-rest-base64.json")]
    public void ReadRest_Fixture_MapsMethodPathQueryHeadersCookiesAndBody(string fixture)
    {
        var read = HttpEventMapper.ReadRest(Fixtures.Bytes(fixture));

        Snapshot.Match(Describe.Request(read), SnapshotNameExtension.Create(fixture));
    }

    [Theory]
    [InlineData("http-api.json")]
    [InlineData("function-url.json")]
    public void ReadHttpApi_Fixture_MapsRawQueryCookiesAndBase64Body(string fixture)
    {
        var read = HttpEventMapper.ReadHttpApi(Fixtures.Bytes(fixture));

        Snapshot.Match(Describe.Request(read), SnapshotNameExtension.Create(fixture));
    }

    [Theory]
    [InlineData("alb-single.json")]
    [InlineData("alb-multi.json")]
    public void ReadAlb_Fixture_DecodesTheQuery_AndRemembersTheHeaderMode(string fixture)
    {
        var read = HttpEventMapper.ReadAlb(Fixtures.Bytes(fixture));

        Snapshot.Match(Describe.Request(read), SnapshotNameExtension.Create(fixture));
    }

    [Fact]
    public void ReadRest_InvalidBase64Body_ReturnsA400Problem()
    {
        var payload = Fixtures.Text("apigw-rest-base64.json").Replace("AAECA//+/Q==", "%%%", StringComparison.Ordinal);

        var read = HttpEventMapper.ReadRest(System.Text.Encoding.UTF8.GetBytes(payload));

        Assert.Null(read.Request);
        Assert.Equal(400, read.Problem!.Status);
    }

    [Fact]
    public void ReadHttpApi_RepeatedQueryParameters_KeepEveryValueDecoded()
    {
        var read = HttpEventMapper.ReadHttpApi(Fixtures.Bytes("http-api.json"));

        Assert.Equal(["a", "b c"], read.Request!.Query["tag"].ToArray());
        Assert.Equal("/greet/café", read.Request.Path);
        Assert.Equal("xyz789", read.Request.Cookies["session"]);
    }

    [Fact]
    public void WriteRest_TextResponse_PutsRepeatedHeadersAndCookiesInMultiValueHeaders()
    {
        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteRest(TextResponse())));
    }

    [Fact]
    public void WriteRest_BinaryResponse_IsBase64Encoded()
    {
        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteRest(BinaryResponse())));
    }

    [Fact]
    public void WriteHttpApi_TextResponse_JoinsRepeatedHeaders_AndListsCookies()
    {
        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteHttpApi(TextResponse())));
    }

    [Fact]
    public void WriteHttpApi_BinaryResponse_IsBase64Encoded()
    {
        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteHttpApi(BinaryResponse())));
    }

    [Fact]
    public void WriteHttpApi_GzipEncodedJson_IsBase64Encoded()
    {
        var response = FunctionHttpResponse.Bytes(new byte[] { 0x1f, 0x8b, 8, 0 }, "application/json");
        response.Headers["Content-Encoding"] = "gzip";

        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteHttpApi(response)));
    }

    [Fact]
    public void WriteAlb_SingleValueMode_UsesHeadersAndStatusDescription()
    {
        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteAlb(TextResponse(), multiValue: false)));
    }

    [Fact]
    public void WriteAlb_MultiValueMode_UsesMultiValueHeaders()
    {
        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteAlb(TextResponse(), multiValue: true)));
    }

    [Fact]
    public void WriteAlb_ProblemResponse_HasItsStatusDescription()
    {
        var problem = FunctionHttpResponse.Problem(new FunctionProblem(404, "Not Found") { Detail = "No such order." });

        Snapshot.Match(Snapshots.Pretty(HttpEventMapper.WriteAlb(problem, multiValue: false)));
    }

    [Fact]
    public void Write_Rented_IsTheSameEnvelopeAsTheExactArray()
    {
        foreach (var response in new[] { TextResponse(), BinaryResponse() })
        {
            var shapes = new (byte[] Exact, ArraySegment<byte> Rented)[]
            {
                (HttpEventMapper.WriteRest(response), HttpEventMapper.WriteRest(response, rent: true)),
                (HttpEventMapper.WriteHttpApi(response), HttpEventMapper.WriteHttpApi(response, rent: true)),
                (HttpEventMapper.WriteAlb(response, multiValue: false), HttpEventMapper.WriteAlb(response, multiValue: false, rent: true)),
                (HttpEventMapper.WriteAlb(response, multiValue: true), HttpEventMapper.WriteAlb(response, multiValue: true, rent: true)),
            };

            foreach (var (exact, rented) in shapes)
            {
                Assert.Equal(exact, rented.ToArray());
                System.Buffers.ArrayPool<byte>.Shared.Return(rented.Array!);
            }
        }
    }

    private static FunctionHttpResponse TextResponse()
    {
        var response = FunctionHttpResponse.Text("""{"message":"Hello, <Ada> & \"friends\"!"}""", 201, "application/json; charset=utf-8");
        response.Headers["X-Request-Id"] = "r-1";
        response.Headers["Vary"] = new StringValues(["Accept", "Cookie"]);
        response.Cookies.Add("session=s1; Path=/; HttpOnly");
        response.Cookies.Add("theme=dark; Max-Age=3600");
        return response;
    }

    private static FunctionHttpResponse BinaryResponse() =>
        FunctionHttpResponse.Bytes(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a }, "image/png");
}
