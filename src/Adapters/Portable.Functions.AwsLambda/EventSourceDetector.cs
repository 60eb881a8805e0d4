using System.Buffers;
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

    // What a value's end is looked for by: strings, nesting, and '/' (a comment: left to the reader).
    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"{}[]/"u8);

    // What ends a number, true, false or null inside an object.
    private static readonly SearchValues<byte> ScalarEnd = SearchValues.Create(",} \t\r\n/"u8);

    private static readonly SearchValues<byte> QuoteOrEscape = SearchValues.Create("\"\\"u8);

    /// <summary>
    /// Whether <paramref name="payload"/> is, at first sight, a JSON object none of whose own property names is one
    /// <see cref="Detect"/> reads — the usual direct invocation, told without tokenizing the values (a fifth of a typed
    /// invocation's time for a 1 KB payload). Its values are skipped by their strings and brackets, not validated.
    /// <para>
    /// <see langword="true"/> means <see cref="Detect"/> would answer <see cref="DetectedPayload.Unrecognized"/> — or,
    /// for JSON that is not valid, throw — which, for a function that is not an event function, is a direct invocation
    /// either way: the function's own deserializer then reads every byte and reports where invalid JSON breaks.
    /// <see langword="false"/> means it cannot say (a name the detector reads, an escaped name, a comment, anything not
    /// an object, or anything it does not follow) and <see cref="Detect"/> decides.
    /// </para>
    /// </summary>
    public static bool IsPlainObject(ReadOnlySpan<byte> payload)
    {
        var i = SkipWhitespace(payload, 0);
        if (i >= payload.Length || payload[i] != (byte)'{')
        {
            return false;
        }

        i = SkipWhitespace(payload, i + 1);
        if (i < payload.Length && payload[i] == (byte)'}')
        {
            return true;
        }

        while (i < payload.Length && payload[i] == (byte)'"')
        {
            var name = payload[(i + 1)..];
            var length = name.IndexOfAny(QuoteOrEscape);
            if (length < 0 || name[length] != (byte)'"' || IsReadName(name[..length]))
            {
                return false; // unterminated, escaped (compared unescaped by the reader), or a name the detector reads
            }

            i = SkipWhitespace(payload, i + length + 2);
            if (i >= payload.Length || payload[i] != (byte)':')
            {
                return false;
            }

            i = SkipValue(payload, SkipWhitespace(payload, i + 1));
            if (i < 0)
            {
                return false;
            }

            i = SkipWhitespace(payload, i);
            if (i >= payload.Length)
            {
                return false;
            }

            if (payload[i] == (byte)'}')
            {
                return true; // what follows the object, the function's deserializer reads (Detect does not either)
            }

            if (payload[i] != (byte)',')
            {
                return false;
            }

            i = SkipWhitespace(payload, i + 1);
        }

        return false;
    }

    // The top-level names DetectCore compares, byte for byte.
    private static bool IsReadName(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("Records"u8) || name.SequenceEqual("version"u8) || name.SequenceEqual("rawPath"u8) ||
        name.SequenceEqual("httpMethod"u8) || name.SequenceEqual("resource"u8) || name.SequenceEqual("requestContext"u8) ||
        name.SequenceEqual("detail-type"u8) || name.SequenceEqual("detail"u8) || name.SequenceEqual("source"u8) ||
        name.SequenceEqual("eventSource"u8) || name.SequenceEqual("awslogs"u8);

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    // The index after the value at i, or -1 when it is cut short, holds a comment, or does not start as a value does.
    private static int SkipValue(ReadOnlySpan<byte> json, int i)
    {
        if (i >= json.Length)
        {
            return -1;
        }

        switch (json[i])
        {
            case (byte)'"':
                return SkipString(json, i);
            case (byte)'{' or (byte)'[':
                // Between strings a value holds a few bytes of punctuation, numbers and literals: read one by one;
                // a string's text is searched for its end.
                var depth = 0;
                while (i < json.Length)
                {
                    switch (json[i])
                    {
                        case (byte)'"':
                            i = SkipString(json, i);
                            if (i < 0)
                            {
                                return -1;
                            }

                            continue;
                        case (byte)'{' or (byte)'[':
                            depth++;
                            break;
                        case (byte)'}' or (byte)']':
                            if (--depth == 0)
                            {
                                return i + 1;
                            }

                            break;
                        case (byte)'/':
                            return -1; // a comment, which may hide brackets
                    }

                    i++;
                }

                return -1;

            case (byte)',' or (byte)'}' or (byte)']' or (byte)':' or (byte)'/':
                return -1;
            default:
                var end = json[i..].IndexOfAny(ScalarEnd);
                return end < 0 || json[i + end] == (byte)'/' ? -1 : i + end;
        }
    }

    // The index after the string whose opening quote is at i, or -1 when it is not closed.
    private static int SkipString(ReadOnlySpan<byte> json, int i)
    {
        i++;
        while (true)
        {
            var next = json[i..].IndexOfAny(QuoteOrEscape);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            i += 2; // an escape: the next byte, a quote included, is part of the string
            if (i > json.Length)
            {
                return -1;
            }
        }
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
