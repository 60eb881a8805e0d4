using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// Response streaming for Function URLs (InvokeMode RESPONSE_STREAM), on the wire as AWS documents it: one chunked
/// <c>POST /response</c> in streaming mode, the HTTP integration prelude and eight zero bytes, then the body; a failure
/// mid-stream in the error trailers; a failure before the first write as a streamed 500; every other source, and every
/// Function URL in the default BUFFERED mode, buffered as always.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class StreamingTests
{
    private static readonly byte[] Separator = new byte[8];

    [Fact]
    public async Task FunctionUrl_StreamedResponse_IsThePreludeThenTheBody_Chunked()
    {
        await using var runtime = await StartAsync();

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(FunctionUrlEvent("ok")));

        Assert.Equal(("stream", "streaming", "chunked", "application/vnd.awslambda.http-integration-response"), (result.Kind, result.ResponseMode, result.TransferEncoding, result.ContentType));
        var (prelude, body) = Split(result.Raw);
        Assert.Equal("""{"statusCode":201,"headers":{"content-type":"text/plain; charset=utf-8","x-streamed":"yes"},"multiValueHeaders":{"vary":["Accept","Origin"]},"cookies":["session=abc; Path=/"]}""", prelude);
        Assert.Equal("first\nsecond\n", body);
        Assert.Empty(result.Trailers);
    }

    [Fact]
    public async Task FunctionUrl_FailureMidStream_TravelsInTheErrorTrailers()
    {
        await using var runtime = await StartAsync();

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(FunctionUrlEvent("fail-late")));

        Assert.Equal("stream", result.Kind);
        Assert.Equal("first\n", Split(result.Raw).Body);
        Assert.Equal("InvalidOperationException", result.Trailers["Lambda-Runtime-Function-Error-Type"]);
        using var error = JsonDocument.Parse(Convert.FromBase64String(result.Trailers["Lambda-Runtime-Function-Error-Body"]));
        Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
        Assert.DoesNotContain("secret", error.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionUrl_FailureBeforeTheFirstWrite_IsAStreamed500Problem()
    {
        await using var runtime = await StartAsync();

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(FunctionUrlEvent("fail-early")));

        Assert.Equal(("stream", "streaming"), (result.Kind, result.ResponseMode));
        var (prelude, body) = Split(result.Raw);
        Assert.Equal(500, JsonNode.Parse(prelude)!["statusCode"]!.GetValue<int>());
        Assert.Equal("application/problem+json", JsonNode.Parse(prelude)!["headers"]!["content-type"]!.GetValue<string>());
        Assert.Equal(500, JsonNode.Parse(body)!["status"]!.GetValue<int>());
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.Empty(result.Trailers);
    }

    [Fact]
    public async Task FunctionUrl_BufferedFunction_InStreamMode_IsStreamedWhole()
    {
        await using var runtime = await StartAsync();

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(FunctionUrlEvent("buffered")));

        Assert.Equal("stream", result.Kind);
        var (prelude, body) = Split(result.Raw);
        Assert.Equal("""{"statusCode":200,"headers":{"content-type":"text/plain; charset=utf-8"}}""", prelude);
        Assert.Equal("all at once", body);
    }

    [Fact]
    public async Task HttpApi_CannotStream_SoTheSameFunctionIsBuffered()
    {
        await using var runtime = await StartAsync();

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(FunctionUrlEvent("ok", domain: "p4z2.execute-api.eu-west-1.amazonaws.com")));

        AssertBuffered(result);
    }

    [Fact]
    public async Task FunctionUrl_InTheDefaultBufferedMode_IsBuffered()
    {
        await using var runtime = await RunningRuntime.StartAsync(Register, handler: "stream");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(FunctionUrlEvent("ok")));

        AssertBuffered(result);
    }

    [Fact]
    public async Task InvokeMode_Unknown_FailsInit()
    {
        await using var runtime = await RunningRuntime.StartAsync(Register, handler: "stream",
            environment: new Dictionary<string, string> { ["PortableFunctions:AwsLambda:InvokeMode"] = "Chunky" });

        var error = await runtime.Server.InitError.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("InvokeMode", error.Body, StringComparison.Ordinal);
    }

    private static void AssertBuffered(PostedResult result)
    {
        Assert.Equal(("response", null), (result.Kind, result.ResponseMode));
        var response = JsonNode.Parse(result.Body)!;
        Assert.Equal(201, response["statusCode"]!.GetValue<int>());
        Assert.Equal("first\nsecond\n", response["body"]!.GetValue<string>());
    }

    private static void Register(IServiceCollection services) =>
        services.AddPortableFunctions(f => f.AddHttpFunction<StreamingFunction>("stream"));

    private static Task<RunningRuntime> StartAsync() =>
        RunningRuntime.StartAsync(Register, handler: "stream",
            environment: new Dictionary<string, string> { ["PortableFunctions:AwsLambda:InvokeMode"] = "ResponseStream" });

    private static string FunctionUrlEvent(string mode, string domain = "abcdefghijklmnop.lambda-url.eu-west-1.on.aws") => new JsonObject
    {
        ["version"] = "2.0",
        ["routeKey"] = "$default",
        ["rawPath"] = "/stream",
        ["rawQueryString"] = "mode=" + mode,
        ["headers"] = new JsonObject { ["host"] = domain },
        ["requestContext"] = new JsonObject
        {
            ["accountId"] = "anonymous",
            ["apiId"] = "abcdefghijklmnop",
            ["domainName"] = domain,
            ["http"] = new JsonObject { ["method"] = "GET", ["path"] = "/stream", ["protocol"] = "HTTP/1.1", ["sourceIp"] = "203.0.113.9", ["userAgent"] = "test" },
            ["requestId"] = "r-stream",
            ["routeKey"] = "$default",
            ["stage"] = "$default",
            ["timeEpoch"] = 1767225600000,
        },
        ["isBase64Encoded"] = false,
    }.ToJsonString();

    private static (string Prelude, string Body) Split(byte[] raw)
    {
        var at = raw.AsSpan().IndexOf(Separator);
        Assert.True(at > 0, "The body has no eight-zero-byte separator.");
        return (Encoding.UTF8.GetString(raw, 0, at), Encoding.UTF8.GetString(raw.AsSpan(at + 8)));
    }

    /// <summary>Streams "first", then "second"; <c>?mode=fail-late</c> fails between them, <c>fail-early</c> before both.</summary>
    public sealed class StreamingFunction : IHttpFunction
    {
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            var mode = request.Query["mode"].ToString();
            if (mode == "buffered")
            {
                return Task.FromResult(FunctionHttpResponse.Text("all at once"));
            }

            var response = FunctionHttpResponse.Stream(
                async (stream, token) =>
                {
                    if (mode == "fail-early")
                    {
                        throw new InvalidOperationException("secret: before");
                    }

                    await stream.WriteAsync("first\n"u8.ToArray(), token);
                    await stream.FlushAsync(token);
                    if (mode == "fail-late")
                    {
                        throw new InvalidOperationException("secret: after");
                    }

                    await stream.WriteAsync("second\n"u8.ToArray(), token);
                },
                "text/plain; charset=utf-8",
                201);
            response.Headers["X-Streamed"] = "yes";
            response.Headers["Vary"] = new Microsoft.Extensions.Primitives.StringValues(["Accept", "Origin"]);
            response.Cookies.Add("session=abc; Path=/");
            return Task.FromResult(response);
        }
    }
}
