using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The hand-written reader of the HTTP API / Function URL (payload 2.0) envelope keeps the rules of the
/// source-generated serializer it replaced: exact camelCase names, the last of a repeated member, unknown members of
/// any shape skipped, and every broken payload a <see cref="JsonException"/> that says where.
/// </summary>
public sealed class HttpApiJsonTests
{
    [Fact]
    public void ReadRequest_DocumentedEvent_ReadsTheMappedMembers_AndSkipsTheRest()
    {
        var request = HttpApiJson.ReadRequest(Fixtures.Bytes("http-api.json"));
        var expected = JsonNode.Parse(Fixtures.Bytes("http-api.json"))!;

        Assert.Equal((string?)expected["rawPath"], request.RawPath);
        Assert.Equal((string?)expected["rawQueryString"], request.RawQueryString);
        Assert.Equal(expected["cookies"]!.AsArray().Select(c => (string?)c), request.Cookies!);
        Assert.Equal(expected["headers"]!.AsObject().Select(h => (h.Key, (string?)h.Value)), request.Headers!.Select(h => (h.Key, (string?)h.Value.ToString())));
        Assert.Equal(((string?)expected["requestContext"]!["domainName"])!.Contains(".lambda-url.", StringComparison.OrdinalIgnoreCase), request.IsFunctionUrl);
        Assert.Equal((string?)expected["requestContext"]!["http"]!["method"], request.Method);
        Assert.Equal((string?)expected["requestContext"]!["http"]!["path"], request.HttpPath);
        Assert.Equal((string?)expected["body"], Encoding.UTF8.GetString(request.Body!));
        Assert.Equal((bool)expected["isBase64Encoded"]!, request.IsBase64Encoded);
    }

    [Fact]
    public void ReadRequest_SamePathAgain_IsTheSameString_AndAnotherPathItsOwn()
    {
        static HttpApiRequest Read(string path) => HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes(
            "{\"rawPath\":\"" + path + "\",\"requestContext\":{\"http\":{\"path\":\"" + path + "\"}}}"));

        var first = Read("/orders/price");
        var second = Read("/orders/price");
        var other = Read("/orders/list");

        Assert.Same(first.RawPath, second.RawPath);
        Assert.Same(first.HttpPath, second.HttpPath);
        Assert.Equal(("/orders/list", "/orders/list"), (other.RawPath, other.HttpPath));
        Assert.Equal("/orders/price", Read("/orders/pric\\u0065").RawPath); // escaped, the same text
    }

    [Fact]
    public void ReadRequest_EscapedNamesRepeatedMembersNullsAndUnknownShapes_LastMemberWinsAndNullHeadersAreLeftOut()
    {
        const string payload = """
            {"extra":{"a":[1,{"b":null}],"c":"d"},"raw\u0050ath":"/first","rawPath":"/second","headers":{"x":"1","x":"2","n":null},
             "cookies":["a=1",null],"requestContext":{"http":{"method":"PUT","sourceIp":"1.2.3.4"},"authorizer":{"jwt":{"claims":{}}}},
             "body":null,"isBase64Encoded":false,"stageVariables":null}
            """;

        var request = HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes(payload));

        Assert.Equal("/second", request.RawPath);
        Assert.Equal("2", request.Headers!["x"]);
        Assert.False(request.Headers.ContainsKey("n")); // a null header is no header
        Assert.Equal("2", request.Headers["X"]); // read straight into the request's case-insensitive map
        Assert.Equal(["a=1"], request.Cookies!);
        Assert.Equal("PUT", request.Method);
        Assert.Null(request.HttpPath);
        Assert.Null(request.Body);
    }

    [Theory]
    [InlineData("""{"rawPath":5}""", "$.rawPath")]
    [InlineData("""{"isBase64Encoded":"true"}""", "$.isBase64Encoded")]
    [InlineData("""{"isBase64Encoded":null}""", "$.isBase64Encoded")]
    [InlineData("""{"headers":[]}""", "$.headers")]
    [InlineData("""{"headers":{"a":1}}""", "$.headers['a']")]
    [InlineData("""{"cookies":"a=1"}""", "$.cookies")]
    [InlineData("""{"cookies":["a=1",{}]}""", "$.cookies[1]")]
    [InlineData("""{"requestContext":"x"}""", "$.requestContext")]
    [InlineData("""{"requestContext":{"http":{"method":true}}}""", "$.requestContext.http.method")]
    [InlineData("""{"version":2}""", "$.version")]
    [InlineData("""{"requestContext":{"requestId":1}}""", "$.requestContext.requestId")]
    [InlineData("""{"requestContext":{"domainName":[]}}""", "$.requestContext.domainName")]
    [InlineData("""[]""", "$")]
    public void ReadRequest_MemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string payload, string path)
    {
        var exception = Assert.Throws<JsonException>(() => HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(path, exception.Path);
    }

    [Theory]
    [InlineData("abc.execute-api.eu-west-1.amazonaws.com", false)]
    [InlineData("abcdefghij.lambda-url.eu-west-1.on.aws", true)]
    [InlineData("ABCDEFGHIJ.LAMBDA-URL.EU-WEST-1.ON.AWS", true)]
    [InlineData("abcdefghij\\u002elambda-url.eu-west-1.on.aws", true)]
    [InlineData("lambda-url.on.aws", false)]
    public void ReadRequest_DomainName_TellsAFunctionUrl(string domainName, bool functionUrl)
    {
        var request = HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes("{\"requestContext\":{\"domainName\":\"" + domainName + "\"}}"));

        Assert.Equal(functionUrl, request.IsFunctionUrl);
    }

    [Fact]
    public void ReadRequest_RepeatedOrNullRequestContext_TheLastOneDecides()
    {
        var request = HttpApiJson.ReadRequest("""
            {"requestContext":{"domainName":"a.lambda-url.x.on.aws","http":{"method":"GET","path":"/a"}},"requestContext":{"http":{"method":"POST"}}}
            """u8);
        var cleared = HttpApiJson.ReadRequest("""
            {"requestContext":{"domainName":"a.lambda-url.x.on.aws","http":{"method":"GET","path":"/a"}},"requestContext":null}
            """u8);

        Assert.False(request.IsFunctionUrl);
        Assert.Equal("POST", request.Method);
        Assert.Null(request.HttpPath);
        Assert.False(cleared.IsFunctionUrl);
        Assert.Null(cleared.Method);
    }

    [Theory]
    [InlineData("{\"version\":\"a\\ud800b\"}")]
    [InlineData("{\"requestContext\":{\"requestId\":\"a\\ud800b\"}}")]
    [InlineData("{\"requestContext\":{\"domainName\":\"a\\ud800b\"}}")]
    public void ReadRequest_UnkeptMemberThatIsNoText_ThrowsJsonException(string payload)
    {
        Assert.ThrowsAny<JsonException>(() => HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes(payload)));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("""{"rawPath":"/"} {}""")]
    [InlineData("""{"rawPath":"/",}""")]
    [InlineData("""{"rawPath":"/" """)]
    [InlineData("""{"body":"~"}""")]
    [InlineData("""{"headers":{"~":"x"}}""")]
    public void ReadRequest_NotOneJsonObjectOfValidText_ThrowsJsonException(string template)
    {
        // '~' stands for 0xFF, a byte no UTF-8 text has.
        byte[] payload = [.. Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'~' ? (byte)0xFF : b)];

        Assert.ThrowsAny<JsonException>(() => HttpApiJson.ReadRequest(payload));
    }

    [Fact]
    public void ReadRequest_NestingPastTheMaximumDepth_ThrowsJsonException()
    {
        var payload = "{\"extra\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.ThrowsAny<JsonException>(() => HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes(payload)));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("{\\\"a\\\":\\\"\\u00e9\\n\\/\\\"}", "{\"a\":\"é\n/\"}")]
    [InlineData("caf\\u00e9 \\ud83d\\ude00", "café 😀")]
    public void ReadRequest_Body_IsItsUnescapedUtf8(string member, string text)
    {
        var request = HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes("{\"body\":\"" + member + "\"}"));

        Assert.Equal(Encoding.UTF8.GetBytes(text), request.Body);
    }

    [Fact]
    public void ReadRequest_BodyWithALoneSurrogateEscape_ThrowsJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => HttpApiJson.ReadRequest(Encoding.UTF8.GetBytes("""{"body":"a\ud800b"}""")));
    }
}
