using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Portable.Functions.TestUtilities;

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
    public void DetectAndTheQuickLook_OwnFixture_AreItsSource(string fixture, LambdaEventSource expected)
    {
        var detected = EventSourceDetector.Detect(Fixtures.Bytes(fixture), out var source, out _);
        var told = EventSourceDetector.TryDetectQuickly(Fixtures.Bytes(fixture), out var quick, out var quickSource);

        Assert.Equal(DetectedPayload.Supported, detected);
        Assert.Equal(expected, source);
        Assert.True(told, "The quick look left a fixture to the detector.");
        Assert.Equal(DetectedPayload.Supported, quick);
        Assert.Equal(expected, quickSource);
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

    [Theory]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("{}")]
    [InlineData(" \r\n\t{ \"name\" : \"Ada\" , \"n\" : -1.5e3 , \"ok\":true,\"none\":null, \"list\": [1, [], {}] } trailing")]
    [InlineData("""{"orderId":"o-1","lines":[{"sku":"a","qty":2},{"sku":"}]{[","qty":1}],"note":"say \"hi\" \\"}""")]
    [InlineData("""{"payload":{"Records":[{"eventSource":"aws:sqs"}],"version":"2.0","requestContext":{}}}""")]
    [InlineData("""{"Version":"2.0","records":[],"Source":"x","url":"http://a/b"}""")]
    [InlineData("""{"httpMethod":"GET","path":"/"}""")]
    [InlineData("""{"version":"2.0","rawPath":"/"}""")]
    [InlineData("""{"detail-type":"x","source":"y"}""")]
    [InlineData("""{"Records":[{"eventSource":"my-app"}]}""")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Records":{"eventSource":"aws:sqs"}}""")]
    [InlineData("""{"eventSource":"aws"}""")]
    public void TryDetectQuickly_ObjectThatIsNoEvent_IsUnrecognized_AsDetectSays(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);

        Assert.True(EventSourceDetector.TryDetectQuickly(bytes, out var detected, out var source));
        Assert.Equal(DetectedPayload.Unrecognized, detected);
        Assert.Equal(LambdaEventSource.Direct, source);
        Assert.Equal(DetectedPayload.Unrecognized, EventSourceDetector.Detect(bytes, out _, out _));
    }

    [Theory]
    [InlineData("""{"eventSource":"aws:kafka","records":{}}""")]
    [InlineData("""{"awslogs":{"data":"H4sI"}}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:codecommit"}]}""")]
    [InlineData("""{"requestContext":{"connectionId":"c1","eventType":"MESSAGE"},"body":"x"}""")]
    [InlineData("""{"Re\u0063ords":[{"eventSource":"aws:sqs"}]}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:\u0073qs"}]}""")]
    [InlineData("""{"Records":[{"event\u0053ource":"aws:sqs"}]}""")]
    [InlineData("""{"version":"2.\u0030","rawPath":"/","requestContext":{}}""")]
    [InlineData("""{"version":"2.0","rawPath":"/","requestContext":{"e\u006cb":{}},"httpMethod":"GET"}""")]
    [InlineData("""{"version":"1.0","version":"2.0","rawPath":"/","requestContext":{}}""")]
    [InlineData("""{"a":[1, /* ] */ 2]}""")]
    [InlineData("""{"a":1 /* c */}""")]
    [InlineData("""[{"name":"Ada"}]""")]
    [InlineData("\"text\"")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"name":""")]
    [InlineData("""{"name":"Ada""")]
    [InlineData("""{"name" "Ada"}""")]
    [InlineData("""{"name":}""")]
    [InlineData("""{"a":{"b":[1,2}""")]
    [InlineData("""{,}""")]
    [InlineData("""{"a":1,}x""")]
    public void TryDetectQuickly_WhenItCannotTell_LeavesItToDetect(string payload)
    {
        Assert.False(EventSourceDetector.TryDetectQuickly(Encoding.UTF8.GetBytes(payload), out _, out _));
    }

    /// <summary>
    /// The dispatcher's quick look never changes what a payload is taken for: whenever <c>TryDetectQuickly</c> tells,
    /// <c>Detect</c> says the same — or the JSON is invalid, and then reading the payload as the source it named throws
    /// the JSON error that sends the dispatcher back to <c>Detect</c>. Checked over the fixtures, AWS's samples, those
    /// samples with one value wrong, and generated JSON (the detector's marks at every depth, strings full of brackets,
    /// quotes and escapes), cut short or with a structural byte put in.
    /// </summary>
    [Fact]
    public void TryDetectQuickly_WhenItTells_DetectAgrees()
    {
        var samples = Directory.GetFiles(Fixtures.AwsVectorsDirectory(), "*.json")
            .Concat(Directory.GetFiles(Fixtures.Path(string.Empty), "*.json"))
            .Select(File.ReadAllText)
            .ToArray();
        Assert.NotEmpty(samples);
        // Every sample is told quickly but the events this adapter does not map, whose refusal the detector words.
        var notTold = samples.Select(Encoding.UTF8.GetBytes)
            .Where(sample => AssertAgrees(sample) is null && EventSourceDetector.Detect(sample, out _, out _) != DetectedPayload.Unsupported)
            .ToArray();
        Assert.True(notTold.Length == 0, "Not told quickly: " + string.Join(Environment.NewLine, notTold.Select(Encoding.UTF8.GetString)));

        var told = 0;
        var wrongSamples = Gen.Select(Gen.Int[0, samples.Length - 1], Gen.Int, Gen.Int)
            .Select((sample, location, kind) => JsonMutations.Mutate(samples[sample], location, kind));
        wrongSamples.Sample(json => _ = AssertAgrees(Encoding.UTF8.GetBytes(json)), iter: 5_000);

        var marks = Gen.OneOf("Records", "version", "rawPath", "httpMethod", "resource", "requestContext", "detail-type", "detail", "source", "eventSource", "EventSource", "awslogs", "elb", "connectionId", "eventType");
        var otherNames = Gen.OneOf("name", "a", "body", "Re\\u0063ords", "ver\\\"sion", "{", "]", "x y", "");
        var names = Gen.Frequency((2, marks), (3, otherNames));
        var text = Gen.Frequency(
            (3, Gen.OneOf("", "}", "]", "{[", "\\\"", "\\\\", "/*", "//", ":", ",", "aws:sqs", "aws:sns", "aws:s3", "aws:kinesis", "aws:dynamodb", "aws:kafka", "my-app", "2.0", "1.0", "GET", "\\u00e9", "é")),
            (1, Gen.String[Gen.Char["ab{}[]:,/ "], 0, 8]));
        var space = Gen.OneOf("", " ", "\n", "\t ");
        var scalar = Gen.Frequency(
            (1, Gen.OneOf("1", "-2.5e3", "true", "false", "null")),
            (3, text.Select(t => "\"" + t + "\"")));
        var value = Gen.Recursive<string>((depth, inner) => depth >= 3
            ? scalar
            : Gen.Frequency(
                (4, scalar),
                (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
                (2, Gen.Select(names, space, inner).Array[0, 5]
                    .Select(members => "{" + string.Join(",", members.Select(m => "\"" + m.Item1 + "\"" + m.Item2 + ":" + m.Item3)) + "}"))));
        var objects = Gen.Select(Gen.Select(names, space, value).Array[0, 7], space)
            .Select((members, pad) => pad + "{" + string.Join("," + pad, members.Select(m => "\"" + m.Item1 + "\"" + m.Item2 + ":" + m.Item2 + m.Item3)) + "}" + pad);
        var payloads = Gen.Select(objects, Gen.Int[0, 3], Gen.Int, Gen.Char["{}[]\",:/\\x "]).Select((json, change, at, inserted) =>
        {
            var position = (int)((uint)at % (uint)(json.Length + 1));
            return change switch
            {
                0 => json[..position], // cut short
                1 => json.Insert(position, inserted.ToString()),
                _ => json,
            };
        });

        payloads.Sample(json =>
        {
            if (AssertAgrees(Encoding.UTF8.GetBytes(json)) is not null)
            {
                Interlocked.Increment(ref told);
            }
        }, iter: 30_000);

        Assert.True(told > 3_000, $"Only {told} of 30,000 generated payloads were told quickly: the generator does not exercise the quick look.");
    }

    // Checks one payload; returns what the quick look told, or null when it left the payload to Detect.
    private static DetectedPayload? AssertAgrees(byte[] payload)
    {
        if (!EventSourceDetector.TryDetectQuickly(payload, out var quick, out var quickSource))
        {
            return null;
        }

        DetectedPayload detected;
        LambdaEventSource source;
        try
        {
            detected = EventSourceDetector.Detect(payload, out source, out _);
        }
        catch (JsonException)
        {
            // Not valid JSON. A direct invocation of a typed function reads every byte itself; a source is read as
            // that source next, which must fail the same way for the dispatcher to answer as Detect would.
            if (quick == DetectedPayload.Supported)
            {
                Assert.ThrowsAny<JsonException>(() => EventReading.ReadAs(quickSource, payload));
            }

            return quick;
        }

        Assert.True(detected == quick && source == quickSource, $"The quick look said {quick} {quickSource}, Detect {detected} {source}: {Encoding.UTF8.GetString(payload)}");
        return quick;
    }

    /// <summary>
    /// AWS's own sample payloads (tests/vectors/aws): each request is detected as its own source, and what it maps to
    /// carries the sample's ids, bodies and attributes; each response sample is never taken for an event, and written
    /// back through the adapter's response shape it comes out as the sample.
    /// </summary>
    [Fact]
    public void Detect_EveryAwsSampleVector_IsItsOwnSource_MapsItsContent_AndResponsesWriteBackAsTheSample()
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

    /// <summary>Maps a sample and compares what was mapped with the sample's own fields: ids, bodies, attributes.</summary>
    private static void Map(LambdaEventSource source, byte[] payload)
    {
        var sample = JsonNode.Parse(payload)!.AsObject();
        switch (source)
        {
            case LambdaEventSource.ApiGatewayRest:
                AssertHttp(HttpEventMapper.ReadRest(payload).Request!, sample, (string)sample["httpMethod"]!, (string)sample["path"]!);
                break;
            case LambdaEventSource.HttpApi:
                var v2 = HttpEventMapper.ReadHttpApi(payload).Request!;
                AssertHttp(v2, sample, (string)sample["requestContext"]!["http"]!["method"]!, (string)sample["rawPath"]!);
                Assert.Equal((string?)sample["rawQueryString"] ?? string.Empty, v2.QueryString);
                foreach (var cookie in sample["cookies"]?.AsArray() ?? [])
                {
                    // AWS's samples hold bare names ("cookie1"): a cookie without '=' has an empty value.
                    var parts = ((string)cookie!).Split('=', 2);
                    Assert.Equal(parts.Length == 2 ? parts[1] : string.Empty, v2.Cookies[parts[0]]);
                }

                break;
            case LambdaEventSource.ApplicationLoadBalancer:
                AssertHttp(HttpEventMapper.ReadAlb(payload).Request!, sample, (string)sample["httpMethod"]!, (string)sample["path"]!);
                break;
            default:
                var items = EventMapper.Read(source, payload).Items;
                var records = sample["Records"]!.AsArray();
                Assert.Equal(records.Count, items.Length);
                for (var i = 0; i < items.Length; i++)
                {
                    AssertRecord(source, records[i]!.AsObject(), items[i]);
                }

                break;
        }
    }

    /// <summary>Method, path, every header and query value, and the body of the sample reach the request unchanged.</summary>
    private static void AssertHttp(FunctionHttpRequest request, JsonObject sample, string method, string path)
    {
        Assert.Equal(method, request.Method);
        Assert.Equal(path, request.Path);
        if (sample["multiValueHeaders"] is JsonObject multi)
        {
            foreach (var (name, values) in multi)
            {
                Assert.Equal(values!.AsArray().Select(v => (string)v!), request.Headers[name].ToArray());
            }
        }
        else if (sample["headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                Assert.Equal((string)value!, request.GetHeader(name));
            }
        }

        if (sample["multiValueQueryStringParameters"] is JsonObject multiQuery)
        {
            foreach (var (name, values) in multiQuery)
            {
                Assert.Equal(values!.AsArray().Select(v => (string)v!), request.Query[name].ToArray());
            }
        }
        else if (sample["queryStringParameters"] is JsonObject query)
        {
            foreach (var (name, value) in query)
            {
                // Payload 2.0 joins a repeated parameter's values with commas; the request keeps each value.
                Assert.Equal((string)value!, string.Join(",", request.Query[name].ToArray()));
            }
        }

        var body = (string?)sample["body"];
        var expected = body is null ? [] : sample["isBase64Encoded"]?.GetValue<bool>() == true ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
        Assert.Equal(expected, request.Body.ToArray());
    }

    /// <summary>A record's id, data and the attributes that become extensions, against the sample record.</summary>
    private static void AssertRecord(LambdaEventSource source, JsonObject record, EventItem item)
    {
        var envelope = item.Envelope;
        switch (source)
        {
            case LambdaEventSource.Sqs:
                Assert.Equal(((string)record["messageId"]!, (string)record["messageId"]!), (envelope.Id, item.ItemIdentifier));
                Assert.Equal((string)record["eventSourceARN"]!, envelope.Source);
                Assert.Equal((string)record["body"]!, Encoding.UTF8.GetString(envelope.Data.Span));
                Assert.Equal((string)record["awsRegion"]!, envelope.Extensions["awsregion"]);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)record["attributes"]!["SentTimestamp"]!, System.Globalization.CultureInfo.InvariantCulture)), envelope.Time);
                foreach (var (name, attribute) in record["messageAttributes"]!.AsObject())
                {
                    Assert.Equal((string?)attribute!["stringValue"] ?? (string?)attribute["binaryValue"], envelope.Extensions[EventMapper.ExtensionName(name)]);
                }

                break;
            case LambdaEventSource.Sns:
                var sns = record["Sns"]!;
                Assert.Equal((string)sns["MessageId"]!, envelope.Id);
                Assert.Equal((string)sns["TopicArn"]!, envelope.Source);
                Assert.Equal((string)sns["Message"]!, Encoding.UTF8.GetString(envelope.Data.Span));
                Assert.Equal(DateTimeOffset.Parse((string)sns["Timestamp"]!, System.Globalization.CultureInfo.InvariantCulture), envelope.Time);
                Assert.Equal((string)record["EventSubscriptionArn"]!, envelope.Extensions["subscriptionarn"]);
                break;
            case LambdaEventSource.S3:
                var s3 = record["s3"]!;
                var change = Assert.IsType<StorageObjectChange>(envelope.BoundData);
                Assert.Equal((string)s3["bucket"]!["name"]!, change.Bucket);
                Assert.Equal(System.Net.WebUtility.UrlDecode((string)s3["object"]!["key"]!), change.Key);
                Assert.Equal((long?)s3["object"]!["size"], change.Size);
                Assert.Equal((string?)s3["object"]!["eTag"], change.ETag);
                Assert.Equal((string)s3["bucket"]!["arn"]!, envelope.Source);
                Assert.Equal("com.amazonaws.s3." + (string)record["eventName"]!, envelope.Type);
                break;
            case LambdaEventSource.Kinesis:
                var kinesis = record["kinesis"]!;
                Assert.Equal(((string)record["eventID"]!, (string)kinesis["sequenceNumber"]!), (envelope.Id, item.ItemIdentifier));
                Assert.Equal(Convert.FromBase64String((string)kinesis["data"]!), envelope.Data.ToArray());
                Assert.Equal((string)kinesis["partitionKey"]!, envelope.Subject);
                Assert.Equal((string)record["eventSourceARN"]!, envelope.Source);
                break;
            case LambdaEventSource.DynamoDbStreams:
                var stream = record["dynamodb"]!;
                Assert.Equal(((string)record["eventID"]!, (string)stream["SequenceNumber"]!), (envelope.Id, item.ItemIdentifier));
                Assert.True(JsonNode.DeepEquals(stream, JsonNode.Parse(envelope.Data.Span)), "the dynamodb member is the event's data, unchanged");
                Assert.Equal("com.amazonaws.dynamodb." + (string)record["eventName"]!, envelope.Type);
                Assert.Equal((string)record["eventSourceARN"]!, envelope.Source);
                break;
            default:
                throw new InvalidOperationException($"No record comparison for {source}: add one.");
        }
    }

    /// <summary>
    /// AWS's sample responses, read into the function's response and written back by the adapter, come out as the sample:
    /// the same status, body, encoding, headers and cookies (and ALB's status description).
    /// </summary>
    private static void ReadResponse(string name, byte[] payload)
    {
        var sample = JsonNode.Parse(payload)!.AsObject();
        var response = new FunctionHttpResponse
        {
            StatusCode = (int)sample["statusCode"]!,
            Body = sample["isBase64Encoded"]?.GetValue<bool>() == true ? Convert.FromBase64String((string)sample["body"]!) : Encoding.UTF8.GetBytes((string?)sample["body"] ?? string.Empty),
        };
        var headers = sample["multiValueHeaders"] as JsonObject ?? sample["headers"]!.AsObject();
        foreach (var (header, values) in headers)
        {
            var list = values is JsonArray array ? array.Select(v => (string)v!).ToArray() : [(string)values!];
            if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.ContentType = list[0];
            }
            else if (header.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var cookie in list)
                {
                    response.Cookies.Add(cookie);
                }
            }
            else
            {
                response.Headers[header] = list;
            }
        }

        foreach (var cookie in sample["cookies"]?.AsArray() ?? [])
        {
            response.Cookies.Add((string)cookie!);
        }

        // A body without a Content-Type is bytes to the adapter (written base64); the samples' bodies are text.
        response.ContentType ??= "text/plain";

        var written = JsonNode.Parse(name.StartsWith("alb-", StringComparison.Ordinal) ? HttpEventMapper.WriteAlb(response, multiValue: true)
            : name.StartsWith("lambda-urls-", StringComparison.Ordinal) ? HttpEventMapper.WriteHttpApi(response)
            : HttpEventMapper.WriteRest(response))!.AsObject();

        Assert.Equal((int)sample["statusCode"]!, (int)written["statusCode"]!);
        Assert.Equal((string?)sample["body"], (string?)written["body"]);
        Assert.Equal(sample["isBase64Encoded"]?.GetValue<bool>() ?? false, written["isBase64Encoded"]?.GetValue<bool>() ?? false);
        if (sample["statusDescription"] is { } description)
        {
            Assert.Equal((string)description!, (string?)written["statusDescription"]);
        }

        foreach (var (header, values) in headers)
        {
            var expected = values is JsonArray array ? array.Select(v => (string)v!).ToArray() : [(string)values!];
            Assert.Equal(expected, WrittenHeader(written, header));
        }

        if (sample["cookies"] is JsonArray cookies)
        {
            Assert.Equal(cookies.Select(c => (string)c!), written["cookies"]!.AsArray().Select(c => (string)c!));
        }
    }

    /// <summary>A header's values in a written response, wherever the shape puts them (names compared without case).</summary>
    private static string[] WrittenHeader(JsonObject written, string name)
    {
        foreach (var member in (string[])["multiValueHeaders", "headers"])
        {
            if (written[member] is JsonObject headers && headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value: { } value })
            {
                return value is JsonArray array ? [.. array.Select(v => (string)v!)] : [(string)value!];
            }
        }

        return [];
    }
}
