using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Functions.AwsLambda;

/// <summary>Source-generated serialization of the Lambda event and response envelopes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ProxyResponse))]
[JsonSerializable(typeof(AlbResponse))]
[JsonSerializable(typeof(LambdaErrorBody))]
[JsonSerializable(typeof(StreamingPrelude))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext
{
}

/// <summary>The members of an API Gateway REST (payload 1.0) or ALB request the adapter maps, read by <see cref="ProxyJson"/>.</summary>
internal sealed class ProxyRequest
{
    public string? Path { get; set; }

    public string? HttpMethod { get; set; }

    public Dictionary<string, string?>? Headers { get; set; }

    public Dictionary<string, List<string?>?>? MultiValueHeaders { get; set; }

    public Dictionary<string, string?>? QueryStringParameters { get; set; }

    public Dictionary<string, List<string?>?>? MultiValueQueryStringParameters { get; set; }

    /// <summary>The body member's text as UTF-8 (unescaped), base64 or not as <see cref="IsBase64Encoded"/> says.</summary>
    public byte[]? Body { get; set; }

    public bool IsBase64Encoded { get; set; }
}

/// <summary>The members of an HTTP API / Function URL (payload 2.0) event the adapter maps, read by <see cref="HttpApiJson"/>.</summary>
internal sealed class HttpApiRequest
{
    public string? Version { get; set; }

    public string? RawPath { get; set; }

    public string? RawQueryString { get; set; }

    public List<string>? Cookies { get; set; }

    public Dictionary<string, string?>? Headers { get; set; }

    public HttpApiRequestContext? RequestContext { get; set; }

    /// <summary>The body member's text as UTF-8 (unescaped), base64 or not as <see cref="IsBase64Encoded"/> says.</summary>
    public byte[]? Body { get; set; }

    public bool IsBase64Encoded { get; set; }
}

internal sealed class HttpApiRequestContext
{
    public string? RequestId { get; set; }

    public string? DomainName { get; set; }

    public HttpApiRequestHttp? Http { get; set; }
}

internal sealed class HttpApiRequestHttp
{
    public string? Method { get; set; }

    public string? Path { get; set; }
}

/// <summary>The HTTP integration prelude of a streamed Function URL response: empty members are left out.</summary>
internal sealed class StreamingPrelude
{
    public int StatusCode { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    public Dictionary<string, string[]>? MultiValueHeaders { get; set; }

    public string[]? Cookies { get; set; }
}

internal sealed class ProxyResponse
{
    public int StatusCode { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    public Dictionary<string, string[]>? MultiValueHeaders { get; set; }

    public string Body { get; set; } = string.Empty;

    public bool IsBase64Encoded { get; set; }
}

internal sealed class AlbResponse
{
    public int StatusCode { get; set; }

    public string StatusDescription { get; set; } = string.Empty;

    public Dictionary<string, string>? Headers { get; set; }

    public Dictionary<string, string[]>? MultiValueHeaders { get; set; }

    public string Body { get; set; } = string.Empty;

    public bool IsBase64Encoded { get; set; }
}

/// <summary>The members of an SQS event the adapter maps, read by <see cref="SqsJson"/>.</summary>
internal sealed class SqsEvent
{
    public List<SqsRecord?>? Records { get; set; }
}

internal sealed class SqsRecord
{
    public string? MessageId { get; set; }

    /// <summary>The body's text as UTF-8 (unescaped), as the function receives it.</summary>
    public byte[]? Body { get; set; }

    public Dictionary<string, string?>? Attributes { get; set; }

    public Dictionary<string, SqsMessageAttribute?>? MessageAttributes { get; set; }

    public string? EventSource { get; set; }

    public string? EventSourceArn { get; set; }

    public string? AwsRegion { get; set; }
}

internal sealed class SqsMessageAttribute
{
    public string? StringValue { get; set; }

    public string? BinaryValue { get; set; }

    public string? DataType { get; set; }
}

/// <summary>The members of an SNS event the adapter maps, read by <see cref="SnsJson"/>.</summary>
internal sealed class SnsEvent
{
    public List<SnsRecord?>? Records { get; set; }
}

internal sealed class SnsRecord
{
    public string? EventSubscriptionArn { get; set; }

    public SnsMessage? Sns { get; set; }
}

internal sealed class SnsMessage
{
    public string? MessageId { get; set; }

    public string? TopicArn { get; set; }

    public string? Subject { get; set; }

    /// <summary>The message's text as UTF-8 (unescaped), as the function receives it.</summary>
    public byte[]? Message { get; set; }

    public string? Timestamp { get; set; }

    /// <summary>Each message attribute's <c>Value</c>.</summary>
    public Dictionary<string, string?>? MessageAttributes { get; set; }
}

/// <summary>An S3 notification record's members the adapter maps, read by <see cref="S3Json"/>.</summary>
internal sealed class S3Record
{
    public string? AwsRegion { get; set; }

    public string? EventTime { get; set; }

    public string? EventName { get; set; }

    public Dictionary<string, string?>? ResponseElements { get; set; }

    public S3Entity? S3 { get; set; }
}

internal sealed class S3Entity
{
    public S3Bucket? Bucket { get; set; }

    public S3Object? Object { get; set; }
}

internal sealed class S3Bucket
{
    public string? Name { get; set; }

    public string? Arn { get; set; }
}

internal sealed class S3Object
{
    public string? Key { get; set; }

    public long? Size { get; set; }

    public string? ETag { get; set; }

    public string? VersionId { get; set; }

    public string? Sequencer { get; set; }
}

/// <summary>The members of an EventBridge event the adapter maps, read by <see cref="EventBridgeJson"/>.</summary>
internal sealed class EventBridgeEvent
{
    public string? Id { get; set; }

    public string? DetailType { get; set; }

    public string? Source { get; set; }

    public string? Account { get; set; }

    public string? Time { get; set; }

    public string? Region { get; set; }

    public List<string>? Resources { get; set; }

    /// <summary>The raw JSON of the <c>detail</c> member's value; <see langword="null"/> when it is <c>null</c> or absent.</summary>
    public byte[]? Detail { get; set; }
}

/// <summary>A Kinesis record's members the adapter maps, read by <see cref="KinesisJson"/>.</summary>
internal sealed class KinesisRecord
{
    public KinesisData? Kinesis { get; set; }

    public string? EventId { get; set; }

    public string? EventSourceArn { get; set; }

    public string? AwsRegion { get; set; }
}

internal sealed class KinesisData
{
    public string? PartitionKey { get; set; }

    public string? SequenceNumber { get; set; }

    public string? Data { get; set; }

    public double? ApproximateArrivalTimestamp { get; set; }
}

/// <summary>A DynamoDB Streams record's members the adapter maps, read by <see cref="DynamoDbJson"/>.</summary>
internal sealed class DynamoDbRecord
{
    public string? EventId { get; set; }

    public string? EventName { get; set; }

    public string? EventSourceArn { get; set; }

    public string? AwsRegion { get; set; }

    public JsonElement? Dynamodb { get; set; }
}

/// <summary>The canonical Runtime API error body; members in the order AWS's runtimes write them.</summary>
internal sealed class LambdaErrorBody
{
    public string ErrorType { get; set; } = string.Empty;

    public string ErrorMessage { get; set; } = string.Empty;

    public string[] StackTrace { get; set; } = [];
}

/// <summary>
/// Type information for what the adapter writes: the same contract as <see cref="LambdaJsonContext"/>, but with
/// relaxed escaping, so that a JSON body nested in a response reads <c>{\"a\":1}</c> rather than <c>{\u0022a\u0022:1}</c>.
/// The consumers are AWS services, not HTML pages.
/// </summary>
internal static class LambdaJsonWriter
{
    private static readonly JsonSerializerOptions Options = new(LambdaJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Each built on first use: an invocation writes one kind of response, and a cold start pays for that one only.
    public static JsonTypeInfo<ProxyResponse> ProxyResponse => field ??= Get<ProxyResponse>();

    public static JsonTypeInfo<AlbResponse> AlbResponse => field ??= Get<AlbResponse>();

    public static JsonTypeInfo<LambdaErrorBody> LambdaErrorBody => field ??= Get<LambdaErrorBody>();

    public static JsonTypeInfo<StreamingPrelude> StreamingPrelude => field ??= Get<StreamingPrelude>();

    private static JsonTypeInfo<T> Get<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
