using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portable.Functions.AwsLambda;

namespace Portable.Functions.Benchmarks;

/// <summary>
/// The Lambda runtime between <c>GET /next</c> and <c>POST /response</c>, without the sockets: an HTTP API (payload 2.0)
/// event carrying the ~1 KB order in, the HTTP API response out; and an SQS batch of ten orders to an event function.
/// </summary>
[Config(typeof(BenchmarkSettings))]
public class LambdaBenchmark
{
    // The events are written as AWS writes them (its sample events in tests/Portable.Functions.AwsLambda.Tests/Fixtures): a quote in a string, such
    // as the order in an HTTP API body or an SQS message, escaped as \", not as \u0022 (System.Text.Json's default).
    private static readonly JsonSerializerOptions AwsEscaping = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private Floor _floor = null!;
    private EnvelopeFloor _envelopeFloor = null!;
    private ServiceProvider _services = null!;
    private LambdaFunctionDispatcher _http = null!;
    private LambdaFunctionDispatcher _sqs = null!;
    private LambdaFunctionEnvironment _environment = null!;
    private byte[] _httpEvent = [];
    private byte[] _sqsEvent = [];

    [GlobalSetup]
    public void Setup()
    {
        _floor = new Floor();
        _envelopeFloor = new EnvelopeFloor();
        _services = new ServiceCollection()
            .AddPortableFunctionsAwsLambda()
            .AddPortableFunctions(f => f
                .AddFunction<PriceOrder, OrderRequest, OrderResponse>("price")
                .AddEventFunction<RecordOrder, OrderRequest>("record")
                .UseJsonContext(BenchmarkJsonContext.Default))
            .BuildServiceProvider();
        var catalog = _services.GetRequiredService<FunctionCatalog>();
        var lambdaOptions = _services.GetRequiredService<IOptions<AwsLambdaFunctionsOptions>>().Value;
        var functionsOptions = _services.GetRequiredService<IOptions<FunctionsOptions>>().Value;
        _http = new LambdaFunctionDispatcher(catalog.Select("price"), lambdaOptions, functionsOptions);
        _sqs = new LambdaFunctionDispatcher(catalog.Select("record"), lambdaOptions, functionsOptions);
        _environment = new LambdaFunctionEnvironment(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "bench",
            ["AWS_REGION"] = "eu-west-1",
        }).Build());

        var body = Encoding.UTF8.GetString(_floor.Body);
        _httpEvent = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "POST /price",
            ["rawPath"] = "/price",
            ["rawQueryString"] = "",
            ["headers"] = new JsonObject { ["content-type"] = "application/json", ["host"] = "abc.execute-api.eu-west-1.amazonaws.com", ["user-agent"] = "bench" },
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = "123456789012",
                ["apiId"] = "abc",
                ["domainName"] = "abc.execute-api.eu-west-1.amazonaws.com",
                ["http"] = new JsonObject { ["method"] = "POST", ["path"] = "/price", ["protocol"] = "HTTP/1.1", ["sourceIp"] = "203.0.113.9", ["userAgent"] = "bench" },
                ["requestId"] = "r-1",
                ["routeKey"] = "POST /price",
                ["stage"] = "$default",
                ["timeEpoch"] = 1767225600000,
            },
            ["body"] = body,
            ["isBase64Encoded"] = false,
        }.ToJsonString(AwsEscaping));
        var records = new JsonArray();
        for (var i = 0; i < 10; i++)
        {
            records.Add(new JsonObject
            {
                ["messageId"] = $"0b9f6c56-7d2e-4a5c-9b1f-{i:D12}",
                ["receiptHandle"] = "AQEB" + new string('x', 64),
                ["body"] = body,
                ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1", ["SentTimestamp"] = "1767225600000", ["SenderId"] = "AIDAEXAMPLE", ["ApproximateFirstReceiveTimestamp"] = "1767225600001" },
                ["messageAttributes"] = new JsonObject(),
                ["md5OfBody"] = "e4e68fb7bd0e697a0ae8f1bb342846b3",
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = "arn:aws:sqs:eu-west-1:123456789012:orders",
                ["awsRegion"] = "eu-west-1",
            });
        }

        _sqsEvent = Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = records }.ToJsonString(AwsEscaping));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floor.Dispose();
        _envelopeFloor.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "floor: handler + source-gen JSON")]
    public Task<int> FloorAsync() => _floor.RunAsync(_floor.Body);

    /// <summary>The order itself as the event (what the cold-start harness sends): detected as no AWS envelope, invoked directly.</summary>
    [Benchmark(Description = "Lambda: direct invocation (the order as the event) → response")]
    public async Task<int> DirectAsync()
    {
        using var deadline = new CancellationTokenSource();
        var next = Next(_floor.Body);
        var outcome = await _http.DispatchAsync(next, Feature(next, deadline), CancellationToken.None);
        var length = outcome.Response.Length;
        outcome.Release(); // as the runtime does once the Runtime API has the response
        return length;
    }

    [Benchmark(Description = "Lambda: HTTP API v2 event → response")]
    public async Task<int> HttpApiAsync()
    {
        using var deadline = new CancellationTokenSource();
        var next = Next(_httpEvent);
        var outcome = await _http.DispatchAsync(next, Feature(next, deadline), CancellationToken.None);
        var length = outcome.Response.Length;
        outcome.Release(); // as the runtime does once the Runtime API has the response
        return length;
    }

    [Benchmark(Description = "lower bound: floor + the HTTP API envelope read once and written (EnvelopeFloor)")]
    public Task<int> HttpApiLowerBoundAsync() => _envelopeFloor.HttpApiAsync(_httpEvent);

    [Benchmark(Description = "floor × 10 (an SQS batch's work)")]
    public async Task<int> FloorTimesTenAsync()
    {
        var total = 0;
        for (var i = 0; i < 10; i++)
        {
            total += await _floor.RunAsync(_floor.Body);
        }

        return total;
    }

    [Benchmark(Description = "lower bound: the batch read once, ten bodies deserialized and handled (EnvelopeFloor)")]
    public int SqsLowerBound() => _envelopeFloor.SqsBatch(_sqsEvent);

    [Benchmark(Description = "Lambda: SQS batch of 10 → batchItemFailures")]
    public async Task<int> SqsBatchAsync()
    {
        using var deadline = new CancellationTokenSource();
        var next = Next(_sqsEvent);
        var outcome = await _sqs.DispatchAsync(next, Feature(next, deadline), CancellationToken.None);
        var length = outcome.Response.Length;
        outcome.Release(); // as the runtime does once the Runtime API has the response
        return length;
    }

    /// <summary>
    /// The invocation's feature as the runtime makes it on Linux: the deadline is one token per invocation that the
    /// runtime's alarm fires (here never), so the core sets no timer of its own.
    /// </summary>
    private LambdaInvocationFeature Feature(RuntimeInvocation next, CancellationTokenSource deadline) =>
        new(next, next.RequestId!, _environment) { DeadlineToken = deadline.Token };

    private static RuntimeInvocation Next(byte[] payload) =>
        new("r-1", DateTimeOffset.UtcNow.AddMinutes(5), "arn:aws:lambda:eu-west-1:123456789012:function:bench", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", null, null, null, payload);
}
