using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.AwsLambda;

// The members of the Lambda event envelopes the adapter maps. No serializer reads them: the readers beside them
// (HttpApiJson, ProxyJson, SqsJson, SnsJson, S3Json, KinesisJson, DynamoDbJson, EventBridgeJson) fill them with
// Utf8JsonReader, and EnvelopeWriter writes every response and error body; no System.Text.Json metadata of the
// envelopes is built at run time or rehydrated at a Native AOT start.

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

/// <summary>
/// The members of an HTTP API / Function URL (payload 2.0) event the adapter maps, read by <see cref="HttpApiJson"/>:
/// the request context's members the mapper uses are kept here (no object per nested level), and what only needs
/// checking (<c>version</c>, <c>requestContext.requestId</c>) is type-checked and not kept.
/// </summary>
internal sealed class HttpApiRequest
{
    public string? RawPath { get; set; }

    public string? RawQueryString { get; set; }

    public List<string>? Cookies { get; set; }

    /// <summary>The headers, already the request's case-insensitive map (names as sent; <c>null</c> values left out).</summary>
    public Dictionary<string, StringValues>? Headers { get; set; }

    /// <summary>Gets or sets <c>requestContext.http.method</c> (a common method is the same string every time).</summary>
    public string? Method { get; set; }

    /// <summary>Gets or sets <c>requestContext.http.path</c>.</summary>
    public string? HttpPath { get; set; }

    /// <summary>Gets or sets whether <c>requestContext.domainName</c> is a Function URL's (<c>*.lambda-url.*</c>).</summary>
    public bool IsFunctionUrl { get; set; }

    /// <summary>The body member's text as UTF-8 (unescaped), base64 or not as <see cref="IsBase64Encoded"/> says.</summary>
    public byte[]? Body { get; set; }

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

    /// <summary>The body read into an array rented from the shared pool instead of <see cref="Body"/>, when asked for.</summary>
    public ArraySegment<byte>? RentedBody { get; set; }

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

    /// <summary>The message read into an array rented from the shared pool instead of <see cref="Message"/>, when asked for.</summary>
    public ArraySegment<byte>? RentedMessage { get; set; }

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

    /// <summary>The data decoded into an array rented from the shared pool instead of <see cref="Data"/>, when asked for and plain base64.</summary>
    public ArraySegment<byte>? RentedData { get; set; }

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
