using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The hand-written reader of API Gateway REST (payload 1.0) and ALB events keeps the rules of the source-generated
/// serializer it replaced (see <see cref="HttpApiJsonTests"/>) for the members the adapter maps, over AWS's documented
/// sample events; the members it does not map are skipped unread.
/// </summary>
public sealed class ProxyJsonTests
{
    [Theory]
    [InlineData("apigw-rest.json")]
    [InlineData("apigw-rest-base64.json")]
    [InlineData("alb-single.json")]
    [InlineData("alb-multi.json")]
    public void ReadRequest_DocumentedEvent_ReadsEveryMappedMember(string fixture)
    {
        var request = ProxyJson.ReadRequest(Fixtures.Bytes(fixture));
        var json = JsonNode.Parse(Fixtures.Bytes(fixture))!;

        Assert.Equal((string?)json["httpMethod"], request.HttpMethod);
        Assert.Equal((string?)json["path"], request.Path);
        Assert.Equal((string?)json["body"], request.Body is null ? null : Encoding.UTF8.GetString(request.Body));
        Assert.Equal((bool?)json["isBase64Encoded"] ?? false, request.IsBase64Encoded);
        Assert.Equal(Map(json["headers"]), Map(request.Headers));
        Assert.Equal(Map(json["queryStringParameters"]), Map(request.QueryStringParameters));
        Assert.Equal(ListMap(json["multiValueHeaders"]), ListMap(request.MultiValueHeaders));
        Assert.Equal(ListMap(json["multiValueQueryStringParameters"]), ListMap(request.MultiValueQueryStringParameters));
    }

    [Fact]
    public void ReadRequest_NullsInMultiValueMaps_AreKept_AndUnmappedMembersAreNotRead()
    {
        const string payload = """
            {"resource":5,"requestContext":"not an object","pathParameters":[1],"multiValueHeaders":{"a":["1",null],"b":null},
             "multiValueQueryStringParameters":{"q":[null]},"headers":null,"httpMethod":"post"}
            """;

        var request = ProxyJson.ReadRequest(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(["1", null], request.MultiValueHeaders!["a"]!);
        Assert.Null(request.MultiValueHeaders["b"]);
        Assert.Equal([null], request.MultiValueQueryStringParameters!["q"]!);
        Assert.Null(request.Headers);
        Assert.Equal("post", request.HttpMethod);
    }

    [Theory]
    [InlineData("""{"httpMethod":1}""", "$.httpMethod")]
    [InlineData("""{"path":{}}""", "$.path")]
    [InlineData("""{"headers":{"a":[]}}""", "$.headers['a']")]
    [InlineData("""{"multiValueHeaders":{"a":"x"}}""", "$.multiValueHeaders['a']")]
    [InlineData("""{"multiValueQueryStringParameters":{"q":["x",2]}}""", "$.multiValueQueryStringParameters['q'][1]")]
    [InlineData("""{"body":true}""", "$.body")]
    [InlineData("""{"isBase64Encoded":"false"}""", "$.isBase64Encoded")]
    public void ReadRequest_MappedMemberOfTheWrongType_ThrowsJsonExceptionNamingItsPath(string payload, string path)
    {
        var exception = Assert.Throws<JsonException>(() => ProxyJson.ReadRequest(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(path, exception.Path);
    }

    private static List<(string, string?)> Map(JsonNode? node) =>
        node is null ? [] : [.. node.AsObject().Select(p => (p.Key, (string?)p.Value))];

    private static List<(string, string?)> Map(Dictionary<string, string?>? map) =>
        map is null ? [] : [.. map.Select(p => (p.Key, p.Value))];

    private static List<(string, string)> ListMap(JsonNode? node) =>
        node is null ? [] : [.. node.AsObject().Select(p => (p.Key, string.Join("|", p.Value!.AsArray().Select(v => (string?)v ?? "<null>"))))];

    private static List<(string, string)> ListMap(Dictionary<string, List<string?>?>? map) =>
        map is null ? [] : [.. map.Select(p => (p.Key, string.Join("|", p.Value!.Select(v => v ?? "<null>"))))];
}
