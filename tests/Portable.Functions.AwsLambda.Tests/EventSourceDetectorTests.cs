using System.Text;
using System.Text.Json;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class EventSourceDetectorTests
{
    [Theory]
    [InlineData("apigw-rest.json", LambdaEventSource.ApiGatewayRest)]
    [InlineData("apigw-rest-base64.json", LambdaEventSource.ApiGatewayRest)]
    [InlineData("http-api.json", LambdaEventSource.HttpApi)]
    [InlineData("function-url.json", LambdaEventSource.HttpApi)]
    [InlineData("alb-single.json", LambdaEventSource.ApplicationLoadBalancer)]
    [InlineData("alb-multi.json", LambdaEventSource.ApplicationLoadBalancer)]
    [InlineData("sqs.json", LambdaEventSource.Sqs)]
    [InlineData("sqs-fifo.json", LambdaEventSource.Sqs)]
    [InlineData("sns.json", LambdaEventSource.Sns)]
    [InlineData("s3.json", LambdaEventSource.S3)]
    [InlineData("eventbridge.json", LambdaEventSource.EventBridge)]
    [InlineData("scheduled.json", LambdaEventSource.EventBridge)]
    [InlineData("kinesis.json", LambdaEventSource.Kinesis)]
    [InlineData("dynamodb.json", LambdaEventSource.DynamoDbStreams)]
    public void Detect_OwnFixture_IsItsSource(string fixture, LambdaEventSource expected)
    {
        var detected = EventSourceDetector.Detect(Fixtures.Bytes(fixture), out var source, out _);

        Assert.Equal(DetectedPayload.Supported, detected);
        Assert.Equal(expected, source);
    }

    [Theory]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("""{"orderId":"o-1","amount":12.5}""")]
    [InlineData("""{"httpMethod":"GET","path":"/"}""")]
    [InlineData("""{"version":"2.0","rawPath":"/"}""")]
    [InlineData("""{"detail-type":"x","source":"y"}""")]
    [InlineData("""{"Records":[{"eventSource":"my-app"}]}""")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("\"just text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Detect_PlainJson_IsUnrecognized(string payload)
    {
        Assert.Equal(DetectedPayload.Unrecognized, EventSourceDetector.Detect(Encoding.UTF8.GetBytes(payload), out _, out _));
    }

    [Theory]
    [InlineData("""{"eventSource":"aws:kafka","records":{}}""")]
    [InlineData("""{"awslogs":{"data":"H4sI"}}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:codecommit"}]}""")]
    [InlineData("""{"requestContext":{"connectionId":"c1","eventType":"MESSAGE"},"body":"x"}""")]
    public void Detect_AwsEventThatIsNotMapped_IsUnsupported(string payload)
    {
        Assert.Equal(DetectedPayload.Unsupported, EventSourceDetector.Detect(Encoding.UTF8.GetBytes(payload), out _, out var description));
        Assert.NotNull(description);
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"Records\": [ {\"eventSource\": \"aws:sqs\"} ")]
    [InlineData("not json")]
    public void Detect_InvalidJson_Throws(string payload)
    {
        Assert.ThrowsAny<JsonException>(() => EventSourceDetector.Detect(Encoding.UTF8.GetBytes(payload), out _, out _));
    }

    /// <summary>
    /// AWS's own sample payloads (tests/vectors/aws): each request is detected as its own
    /// source and maps without error; each response sample reads with our response shapes and is never taken for an event.
    /// </summary>
    [Fact]
    public void Detect_EveryAwsSampleVector_IsItsOwnSource_AndMaps()
    {
        var directory = Fixtures.AwsVectorsDirectory();
        Assert.True(Directory.Exists(directory), $"AWS sample vectors are expected at {directory}.");
        var files = Directory.GetFiles(directory, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);

        var checkedFiles = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var payload = File.ReadAllBytes(file);
            var detected = EventSourceDetector.Detect(payload, out var source, out _);
            var expected = ExpectedSource(name);
            if (expected is null)
            {
                // A response sample: not an event, and it reads with the adapter's own response shape.
                Assert.True(detected == DetectedPayload.Unrecognized, $"{name} was detected as {source}");
                ReadResponse(name, payload);
            }
            else if (expected == Unsupported)
            {
                Assert.True(detected == DetectedPayload.Unsupported, $"{name} was detected as {detected} {source}");
            }
            else
            {
                Assert.True(detected == DetectedPayload.Supported && source == expected, $"{name} was detected as {detected} {source}, expected {expected}");
                Map(source, payload);
            }

            checkedFiles.Add(name);
        }

        Assert.Equal(files.Length, checkedFiles.Count);
    }

    private const LambdaEventSource Unsupported = (LambdaEventSource)(-1);

    private static LambdaEventSource? ExpectedSource(string name) => name switch
    {
        _ when name.EndsWith("-response", StringComparison.Ordinal) => null,
        _ when name.StartsWith("alb-", StringComparison.Ordinal) => LambdaEventSource.ApplicationLoadBalancer,
        _ when name.StartsWith("apigw-v2-", StringComparison.Ordinal) => LambdaEventSource.HttpApi,
        _ when name.StartsWith("apigw-websocket", StringComparison.Ordinal) => Unsupported,
        _ when name.StartsWith("apigw-", StringComparison.Ordinal) => LambdaEventSource.ApiGatewayRest,
        _ when name.StartsWith("lambda-urls-", StringComparison.Ordinal) => LambdaEventSource.HttpApi,
        _ when name.StartsWith("sqs-", StringComparison.Ordinal) => LambdaEventSource.Sqs,
        _ when name.StartsWith("sns-", StringComparison.Ordinal) => LambdaEventSource.Sns,
        _ when name.StartsWith("s3-", StringComparison.Ordinal) => LambdaEventSource.S3,
        _ when name.StartsWith("kinesis-", StringComparison.Ordinal) => LambdaEventSource.Kinesis,
        _ when name.StartsWith("dynamodb-", StringComparison.Ordinal) => LambdaEventSource.DynamoDbStreams,
        _ when name.StartsWith("cloudwatch-events", StringComparison.Ordinal) || name.StartsWith("scheduled", StringComparison.Ordinal) => LambdaEventSource.EventBridge,
        _ when name.StartsWith("cloudwatch-logs", StringComparison.Ordinal) || name.StartsWith("kafka-", StringComparison.Ordinal) => Unsupported,
        _ => throw new InvalidOperationException($"No expectation for the AWS sample '{name}': add one."),
    };

    private static void Map(LambdaEventSource source, byte[] payload)
    {
        switch (source)
        {
            case LambdaEventSource.ApiGatewayRest:
                Assert.NotNull(HttpEventMapper.ReadRest(payload).Request);
                break;
            case LambdaEventSource.HttpApi:
                Assert.NotNull(HttpEventMapper.ReadHttpApi(payload).Request);
                break;
            case LambdaEventSource.ApplicationLoadBalancer:
                Assert.NotNull(HttpEventMapper.ReadAlb(payload).Request);
                break;
            default:
                Assert.NotEmpty(EventMapper.Read(source, payload).Items);
                break;
        }
    }

    private static void ReadResponse(string name, byte[] payload)
    {
        if (name.StartsWith("alb-", StringComparison.Ordinal))
        {
            Assert.NotNull(JsonSerializer.Deserialize(payload, LambdaJsonContext.Default.AlbResponse));
        }
        else if (name.StartsWith("lambda-urls-", StringComparison.Ordinal))
        {
            Assert.NotNull(JsonSerializer.Deserialize(payload, LambdaJsonContext.Default.HttpApiResponse));
        }
        else
        {
            Assert.NotNull(JsonSerializer.Deserialize(payload, LambdaJsonContext.Default.ProxyResponse));
        }
    }
}
