using System.Text.Json;

namespace Portable.Functions.AwsLambda;

/// <summary>What a payload was recognized as.</summary>
internal enum DetectedPayload
{
    /// <summary>Not an AWS event envelope this adapter knows: a direct invocation's own JSON.</summary>
    Unrecognized = 0,

    /// <summary>One of the supported sources (see <see cref="EventSourceDetector.Detect"/>'s source).</summary>
    Supported = 1,

    /// <summary>An AWS event envelope this adapter does not map (Kafka, CloudWatch Logs, WebSocket APIs, …).</summary>
    Unsupported = 2,
}

/// <summary>
/// Recognizes the AWS service that sent a payload from marks that only that service's envelope carries, so that two
/// sources are never confused: the <c>eventSource</c> of the first record for SQS, S3, Kinesis and DynamoDB Streams
/// (<c>EventSource</c> for SNS); <c>version</c> "2.0" with <c>rawPath</c> and <c>requestContext</c> for HTTP APIs and
/// Function URLs; <c>requestContext.elb</c> for ALB; <c>httpMethod</c> with <c>resource</c> and a
/// <c>requestContext</c> without <c>elb</c> for REST APIs; <c>detail-type</c>, <c>source</c> and <c>detail</c> for
/// EventBridge. The payload is scanned once with a forward-only reader; nothing is allocated.
/// </summary>
internal static class EventSourceDetector
{
    /// <summary>Detects the source of <paramref name="payload"/>.</summary>
    /// <exception cref="JsonException">The payload is not valid JSON.</exception>
    public static DetectedPayload Detect(ReadOnlySpan<byte> payload, out LambdaEventSource source, out string? description)
    {
        try
        {
            return DetectCore(payload, out source, out description);
        }
        catch (InvalidOperationException exception)
        {
            // Utf8JsonReader validates a string's text only when it is read: invalid UTF-8 or a lone surrogate escape.
            throw InvalidText(exception);
        }
    }

    /// <summary>
    /// Tells the usual payloads apart without tokenizing every value: the same marks, in the same order of precedence,
    /// as <see cref="Detect"/>, read by <see cref="JsonOutline"/>, which finds a value's end by its strings and brackets
    /// instead of reading it (the escaped body of an HTTP API event, the records after the first in a batch). It does
    /// not validate what it skips, so a source it names is only right for valid JSON: the dispatcher reads the envelope
    /// next, which reads every byte, and if that throws asks <see cref="Detect"/> again.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> with <see cref="DetectedPayload.Supported"/> and the source, or with
    /// <see cref="DetectedPayload.Unrecognized"/> for an object none of whose marks make an event — what
    /// <see cref="Detect"/> answers for the same payload when it is valid JSON. <see langword="false"/> when it cannot
    /// tell (an escaped name or mark, a comment, a name twice, not an object, an event this adapter does not map, or
    /// anything it does not follow): <see cref="Detect"/> decides.
    /// </returns>
    public static bool TryDetectQuickly(ReadOnlySpan<byte> payload, out DetectedPayload detected, out LambdaEventSource source)
    {
        detected = DetectedPayload.Unrecognized;
        source = LambdaEventSource.Direct;
        if (!JsonOutline.TryOpenObject(payload, out var members))
        {
            return false;
        }

        var seen = 0;
        ReadOnlySpan<byte> records = default, requestContext = default, version = default, eventSource = default;
        bool rawPath = false, httpMethod = false, resource = false, detailType = false, detail = false, eventBridgeSource = false, awslogs = false;
        while (members.MoveNext(out var name, out var value))
        {
            var mark = Mark(name);
            if (mark == 0)
            {
                continue;
            }

            if ((seen & mark) != 0)
            {
                return false; // a mark twice: the reader's last-one-wins is left to it
            }

            seen |= mark;
            switch (mark)
            {
                case RecordsMark:
                    records = value;
                    break;
                case VersionMark:
                    version = value;
                    break;
                case RawPathMark:
                    rawPath = true;
                    break;
                case HttpMethodMark:
                    httpMethod = value[0] == (byte)'"';
                    break;
                case ResourceMark:
                    resource = true;
                    break;
                case RequestContextMark:
                    requestContext = value;
                    break;
                case DetailTypeMark:
                    detailType = true;
                    break;
                case DetailMark:
                    detail = true;
                    break;
                case SourceMark:
                    eventBridgeSource = value[0] == (byte)'"';
                    break;
                case EventSourceMark:
                    eventSource = value;
                    break;
                default:
                    awslogs = true;
                    break;
            }
        }

        // The detector reads these two as strings whatever else the payload holds: text it would find invalid is its own.
        if (members.Failed || !TryStringContent(version, out var versionText) || !TryStringContent(eventSource, out var eventSourceText))
        {
            return false;
        }

        if (!records.IsEmpty && records[0] == (byte)'[')
        {
            if (!TryReadFirstRecordSource(records, out var recordSource))
            {
                return false;
            }

            if (!recordSource.IsEmpty)
            {
                source = recordSource.SequenceEqual("aws:sqs"u8) ? LambdaEventSource.Sqs
                    : recordSource.SequenceEqual("aws:sns"u8) ? LambdaEventSource.Sns
                    : recordSource.SequenceEqual("aws:s3"u8) ? LambdaEventSource.S3
                    : recordSource.SequenceEqual("aws:kinesis"u8) ? LambdaEventSource.Kinesis
                    : recordSource.SequenceEqual("aws:dynamodb"u8) ? LambdaEventSource.DynamoDbStreams
                    : LambdaEventSource.Direct;
                if (source != LambdaEventSource.Direct)
                {
                    detected = DetectedPayload.Supported;
                    return true;
                }

                if (recordSource.Length > 4 && recordSource.StartsWith("aws:"u8))
                {
                    return false; // records of a service this adapter does not map: the detector words it
                }
            }
        }

        bool inContext = false, elb = false, websocket = false;
        if (!requestContext.IsEmpty && requestContext[0] == (byte)'{')
        {
            if (!JsonOutline.TryOpenObject(requestContext, out var context))
            {
                return false;
            }

            inContext = true;
            while (context.MoveNext(out var name, out _))
            {
                elb |= name.SequenceEqual("elb"u8);
                websocket |= name.SequenceEqual("connectionId"u8) || name.SequenceEqual("eventType"u8);
            }

            if (context.Failed)
            {
                return false;
            }
        }

        var version2 = versionText.SequenceEqual("2.0"u8);
        var version1 = versionText.SequenceEqual("1.0"u8);
        if (inContext && websocket)
        {
            return false;
        }

        if (inContext && elb && httpMethod)
        {
            source = LambdaEventSource.ApplicationLoadBalancer;
        }
        else if (inContext && rawPath && version2)
        {
            source = LambdaEventSource.HttpApi;
        }
        else if (inContext && !elb && httpMethod && (resource || version1))
        {
            source = LambdaEventSource.ApiGatewayRest;
        }
        else if (detailType && detail && eventBridgeSource)
        {
            source = LambdaEventSource.EventBridge;
        }
        else if ((eventSourceText.Length > 4 && eventSourceText.StartsWith("aws:"u8)) || awslogs)
        {
            return false; // an AWS event this adapter does not map: the detector words it
        }
        else
        {
            return true; // no event: Unrecognized, a direct invocation
        }

        detected = DetectedPayload.Supported;
        return true;
    }

    private const int RecordsMark = 1, VersionMark = 2, RawPathMark = 4, HttpMethodMark = 8, ResourceMark = 16,
        RequestContextMark = 32, DetailTypeMark = 64, DetailMark = 128, SourceMark = 256, EventSourceMark = 512, AwsLogsMark = 1024;

    // The top-level names DetectCore reads, byte for byte (JsonOutline gives no name with an escape).
    private static int Mark(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("Records"u8) => RecordsMark,
        _ when name.SequenceEqual("version"u8) => VersionMark,
        _ when name.SequenceEqual("rawPath"u8) => RawPathMark,
        _ when name.SequenceEqual("httpMethod"u8) => HttpMethodMark,
        _ when name.SequenceEqual("resource"u8) => ResourceMark,
        _ when name.SequenceEqual("requestContext"u8) => RequestContextMark,
        _ when name.SequenceEqual("detail-type"u8) => DetailTypeMark,
        _ when name.SequenceEqual("detail"u8) => DetailMark,
        _ when name.SequenceEqual("source"u8) => SourceMark,
        _ when name.SequenceEqual("eventSource"u8) => EventSourceMark,
        _ when name.SequenceEqual("awslogs"u8) => AwsLogsMark,
        _ => 0,
    };

    // The text of a string value of printable ASCII without escapes; empty for a value that is not a string (or none).
    // False for any other string: the reader unescapes it, or finds its UTF-8 or control characters invalid.
    private static bool TryStringContent(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (value.IsEmpty || value[0] != (byte)'"')
        {
            return true;
        }

        content = value[1..^1];
        return content.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0 && !content.Contains((byte)'\\');
    }

    // As ReadFirstRecordSource: the eventSource (or EventSource) string of the array's first object, the first of
    // them if it has both; empty when there is none.
    private static bool TryReadFirstRecordSource(ReadOnlySpan<byte> array, out ReadOnlySpan<byte> recordSource)
    {
        recordSource = default;
        if (!JsonOutline.TryOpenArray(array, out var elements))
        {
            return false;
        }

        while (elements.MoveNext(out var element))
        {
            if (element[0] != (byte)'{')
            {
                continue;
            }

            if (!JsonOutline.TryOpenObject(element, out var members))
            {
                return false;
            }

            var found = false;
            while (members.MoveNext(out var name, out var value))
            {
                if (!found && (name.SequenceEqual("eventSource"u8) || name.SequenceEqual("EventSource"u8)) && value[0] == (byte)'"')
                {
                    if (!TryStringContent(value, out recordSource))
                    {
                        return false;
                    }

                    found = true;
                }
            }

            return !members.Failed; // the elements after the first object are left to the envelope reader to validate
        }

        return !elements.Failed;
    }

    /// <summary>The reader's error for a string that is not valid text, as the JSON error the dispatcher reports.</summary>
    internal static JsonException InvalidText(InvalidOperationException exception) =>
        new("A string in the payload is not valid UTF-8 or UTF-16 text.", exception);

    private static DetectedPayload DetectCore(ReadOnlySpan<byte> payload, out LambdaEventSource source, out string? description)
    {
        source = LambdaEventSource.Direct;
        description = null;
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            // Validate the rest so that invalid JSON is reported as such.
            reader.Skip();
            while (reader.Read())
            {
            }

            return DetectedPayload.Unrecognized;
        }

        string? version = null;
        bool rawPath = false, httpMethod = false, resource = false, requestContext = false, elb = false, websocket = false;
        bool detailType = false, detail = false, eventBridgeSource = false, awslogs = false;
        string? recordSource = null, topLevelEventSource = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Records"u8))
            {
                reader.Read();
                recordSource = ReadFirstRecordSource(ref reader);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                version = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("rawPath"u8))
            {
                rawPath = true;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("httpMethod"u8))
            {
                reader.Read();
                httpMethod = reader.TokenType == JsonTokenType.String;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("resource"u8))
            {
                resource = true;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("requestContext"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    requestContext = true;
                    ReadRequestContext(ref reader, out elb, out websocket);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("detail-type"u8))
            {
                detailType = true;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("detail"u8))
            {
                detail = true;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                reader.Read();
                eventBridgeSource = reader.TokenType == JsonTokenType.String;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("eventSource"u8))
            {
                reader.Read();
                topLevelEventSource = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("awslogs"u8))
            {
                awslogs = true;
                reader.Read();
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (recordSource is not null)
        {
            switch (recordSource)
            {
                case "aws:sqs":
                    source = LambdaEventSource.Sqs;
                    return DetectedPayload.Supported;
                case "aws:sns":
                    source = LambdaEventSource.Sns;
                    return DetectedPayload.Supported;
                case "aws:s3":
                    source = LambdaEventSource.S3;
                    return DetectedPayload.Supported;
                case "aws:kinesis":
                    source = LambdaEventSource.Kinesis;
                    return DetectedPayload.Supported;
                case "aws:dynamodb":
                    source = LambdaEventSource.DynamoDbStreams;
                    return DetectedPayload.Supported;
                case { Length: > 4 } when recordSource.StartsWith("aws:", StringComparison.Ordinal):
                    description = $"records from '{recordSource}'";
                    return DetectedPayload.Unsupported;
            }
        }

        if (requestContext && websocket)
        {
            description = "an API Gateway WebSocket event";
            return DetectedPayload.Unsupported;
        }

        if (requestContext && elb && httpMethod)
        {
            source = LambdaEventSource.ApplicationLoadBalancer;
            return DetectedPayload.Supported;
        }

        if (requestContext && rawPath && version == "2.0")
        {
            source = LambdaEventSource.HttpApi;
            return DetectedPayload.Supported;
        }

        if (requestContext && !elb && httpMethod && (resource || version == "1.0"))
        {
            source = LambdaEventSource.ApiGatewayRest;
            return DetectedPayload.Supported;
        }

        if (detailType && detail && eventBridgeSource)
        {
            source = LambdaEventSource.EventBridge;
            return DetectedPayload.Supported;
        }

        if (topLevelEventSource is { Length: > 4 } && topLevelEventSource.StartsWith("aws:", StringComparison.Ordinal))
        {
            description = $"events from '{topLevelEventSource}'";
            return DetectedPayload.Unsupported;
        }

        if (awslogs)
        {
            description = "a CloudWatch Logs subscription event";
            return DetectedPayload.Unsupported;
        }

        return DetectedPayload.Unrecognized;
    }

    /// <summary>Reads the <c>eventSource</c> (or SNS's <c>EventSource</c>) of the first record, and skips the rest of the array.</summary>
    private static string? ReadFirstRecordSource(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        string? found = null;
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            first = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSource = reader.ValueTextEquals("eventSource"u8) || reader.ValueTextEquals("EventSource"u8);
                reader.Read();
                if (isSource && reader.TokenType == JsonTokenType.String)
                {
                    found ??= reader.GetString();
                }

                reader.Skip();
            }
        }

        return found;
    }

    private static void ReadRequestContext(ref Utf8JsonReader reader, out bool elb, out bool websocket)
    {
        elb = false;
        websocket = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("elb"u8))
            {
                elb = true;
            }
            else if (reader.ValueTextEquals("connectionId"u8) || reader.ValueTextEquals("eventType"u8))
            {
                websocket = true;
            }

            reader.Read();
            reader.Skip();
        }
    }
}
