using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// Hostile input through the real Lambda loop against a loopback Runtime API: the hostile-input table
/// (tests/Portable.Functions.TestUtilities/HostileTable.cs) in API Gateway HTTP API events, answered with its 4xx
/// problem; platform payloads that are broken (malformed records, invalid base64, nesting past the maximum depth,
/// invalid UTF-8) reported to <c>/error</c> as <c>Function.InvalidEvent</c> without .NET internals; and after every one
/// the loop serves the next invocation.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class HostileInputTests(StatusTableTests.Runtimes runtimes) : IClassFixture<StatusTableTests.Runtimes>
{
    public static TheoryData<string> Rows() => new(HostileTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.AwsLambda)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task HostileInput_InAnHttpApiEvent_IsAnsweredWithItsStatus_WithoutInternals_AndTheLoopContinues(string name)
    {
        var row = HostileTable.Cases.Single(c => c.Name == name);
        var good = HostileTable.Good(row.Function);
        var server = runtimes.Targets[row.Function].Server;

        var answer = await server.ResultAsync(server.Enqueue(HttpApiEvent(row)));
        var next = await server.ResultAsync(server.Enqueue(HttpApiEvent(good)));

        Assert.Equal("response", answer.Kind);
        Assert.Empty(row.Check(Read(answer.Body)));
        Assert.Empty(good.Check(Read(next.Body)));
    }

    [Theory]
    [InlineData("not base64", """{"version":"2.0","rawPath":"/","rawQueryString":"","headers":{},"requestContext":{"http":{"method":"POST","path":"/"}},"body":"%%%","isBase64Encoded":true}""")]
    [InlineData("rest, not base64", """{"resource":"/","path":"/","httpMethod":"POST","headers":{},"requestContext":{"resourcePath":"/","httpMethod":"POST"},"body":"@@@","isBase64Encoded":true}""")]
    [InlineData("huge query and header", null)]
    public async Task HostileHttpEvent_ToTheTypedFunction_IsA4xxOrServed_AndTheLoopContinues(string name, string? payload)
    {
        var server = runtimes.Targets["typed"].Server;
        payload ??= HttpApiEvent(HostileTable.Good("typed"), query: "q=" + new string('q', 64 * 1024), header: new string('h', 64 * 1024));

        var answer = Read((await server.ResultAsync(server.Enqueue(payload))).Body);
        var next = Read((await server.ResultAsync(server.Enqueue(HttpApiEvent(HostileTable.Good("typed"))))).Body);

        Assert.True(answer.Status is 200 or 400, $"{name}: {answer.Status} {answer.Body}");
        Assert.DoesNotContain(HostileTable.Leaks, leak => answer.Body.Contains(leak, StringComparison.Ordinal));
        Assert.Equal(200, next.Status);
    }

    public static TheoryData<string, string> BrokenEvents() => new()
    {
        { "SQS Records not an array", """{"Records":{"eventSource":"aws:sqs"}}""" },
        { "SQS record without messageId", """{"Records":[{"eventSource":"aws:sqs","body":"{}"}]}""" },
        { "SQS messageId of the wrong type", """{"Records":[{"eventSource":"aws:sqs","messageId":5,"body":"{}"}]}""" },
        { "SQS body of the wrong type", """{"Records":[{"eventSource":"aws:sqs","messageId":"m","body":{"name":"Ada"}}]}""" },
        { "SNS record without Sns", """{"Records":[{"EventSource":"aws:sns","EventVersion":"1.0"}]}""" },
        { "Kinesis data not base64", """{"Records":[{"eventSource":"aws:kinesis","eventID":"e","kinesis":{"sequenceNumber":"1","data":"%%%","partitionKey":"p"}}]}""" },
        { "DynamoDB record without dynamodb", """{"Records":[{"eventSource":"aws:dynamodb","eventID":"e","eventName":"INSERT"}]}""" },
        { "S3 record without a bucket", """{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"object":{"key":"k"}}}]}""" },
        { "EventBridge event without detail-type", """{"version":"0","id":"e","source":"aws.events","detail":{}, "detail-type":null}""" },
        { "nesting past the maximum depth", "{\"Records\":" + new string('[', 100) + new string(']', 100) + "}" },
        { "not JSON", "{\"Records\": [ {\"eventSource\": \"aws:sqs\"" },
    };

    [Theory]
    [MemberData(nameof(BrokenEvents))]
    public async Task BrokenPlatformEvent_ToTheEventFunction_IsReportedToError_WithoutInternals_AndTheLoopContinues(string name, string payload)
    {
        var server = runtimes.Targets["event"].Server;

        var answer = await server.ResultAsync(server.Enqueue(payload));
        var next = await server.ResultAsync(server.Enqueue(HttpApiEvent(HostileTable.Good("event"))));

        Assert.True(answer.IsError, $"{name}: {answer.Body}");
        Assert.StartsWith("Function.", answer.ErrorType, StringComparison.Ordinal);
        var message = JsonDocument.Parse(answer.Body).RootElement.GetProperty("errorMessage").GetString()!;
        Assert.DoesNotContain(HostileTable.Leaks, leak => message.Contains(leak, StringComparison.Ordinal) && leak != "Portable.Functions.");
        Assert.Equal(204, Read(next.Body).Status);
    }

    [Fact]
    public async Task InvalidUtf8Payload_IsReportedToError_AndTheLoopContinues()
    {
        var server = runtimes.Targets["event"].Server;

        var answer = await server.ResultAsync(server.Enqueue([.. "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\""u8, 0xFF, 0xFE, .. "\"}]}"u8]));
        var next = await server.ResultAsync(server.Enqueue(HttpApiEvent(HostileTable.Good("event"))));

        Assert.True(answer.IsError, answer.Body);
        Assert.Equal(204, Read(next.Body).Status);
    }

    /// <summary>The row as an API Gateway HTTP API (payload 2.0) event, its body base64 so that any bytes survive.</summary>
    private static string HttpApiEvent(HostileCase row, string query = "", string? header = null)
    {
        var headers = new JsonObject();
        if (row.ContentType is not null)
        {
            headers["content-type"] = row.ContentType;
        }

        foreach (var (name, value) in row.Headers)
        {
            headers[name.ToLowerInvariant()] = value;
        }

        if (header is not null)
        {
            headers["x-long"] = header;
        }

        return new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = row.Path,
            ["rawQueryString"] = query,
            ["headers"] = headers,
            ["requestContext"] = new JsonObject
            {
                ["http"] = new JsonObject { ["method"] = row.Method, ["path"] = row.Path, ["protocol"] = "HTTP/1.1", ["sourceIp"] = "203.0.113.9" },
                ["requestId"] = "r-h",
                ["stage"] = "$default",
            },
            ["body"] = Convert.ToBase64String(row.Body),
            ["isBase64Encoded"] = true,
        }.ToJsonString();
    }

    private static StatusAnswer Read(string payload)
    {
        var response = JsonNode.Parse(payload)!.AsObject();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in response["headers"] as JsonObject ?? [])
        {
            headers[name] = value!.GetValue<string>();
        }

        var body = response["body"]?.GetValue<string>() ?? string.Empty;
        if (response["isBase64Encoded"]?.GetValue<bool>() == true)
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        return new StatusAnswer(response["statusCode"]!.GetValue<int>(), headers.GetValueOrDefault("Content-Type"), body, name => headers.GetValueOrDefault(name));
    }
}
