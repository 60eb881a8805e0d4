using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Portable.Functions.AwsLambda;

/// <summary>How the failures of a batch are reported.</summary>
internal enum BatchMode
{
    /// <summary>Any failure fails the invocation (<c>/error</c>): the platform retries the whole event.</summary>
    WholeEvent = 0,

    /// <summary>Every failed record is reported in <c>batchItemFailures</c>; records may run concurrently (SQS standard queues).</summary>
    EachRecord = 1,

    /// <summary>Records run in order; the first failure stops the batch and it and every later record are reported (SQS FIFO queues).</summary>
    OrderedRest = 2,

    /// <summary>Records run in order; the first failure stops the batch and only its sequence number is reported, where the stream resumes (Kinesis, DynamoDB Streams).</summary>
    OrderedCheckpoint = 3,
}

/// <summary>One event of a batch, with the identifier a batch item failure names it by.</summary>
internal readonly record struct EventItem(FunctionEventEnvelope Envelope, string ItemIdentifier, byte[]? Rented = null)
{
    /// <summary>
    /// Gives the item's rented data back to the pool once its invocation is over; only for a function whose data
    /// binding copies what it keeps (anything but <see cref="ReadOnlyMemory{T}"/> of bytes).
    /// </summary>
    public void ReturnRented()
    {
        if (Rented is { } rented)
        {
            RentedArrays.Return(rented);
        }
    }
}

/// <summary>The events an AWS event carries, and how their failures are reported.</summary>
internal sealed record EventBatch(EventItem[] Items, BatchMode Mode, FunctionTrigger Trigger);

/// <summary>Translates AWS service events into CloudEvents-shaped <see cref="FunctionEventEnvelope"/>s.</summary>
internal static class EventMapper
{
    public const string SqsType = "com.amazonaws.sqs.message";
    public const string SnsType = "com.amazonaws.sns.notification";
    public const string S3TypePrefix = "com.amazonaws.s3.";
    public const string KinesisType = "com.amazonaws.kinesis.record";
    public const string DynamoDbTypePrefix = "com.amazonaws.dynamodb.";
    public const string DirectType = "com.amazonaws.lambda.invoke";
    public const string JsonMediaType = "application/json";

    /// <exception cref="JsonException">The payload is not a valid event of <paramref name="source"/>.</exception>
    /// <param name="source">The event's source.</param>
    /// <param name="payload">The event.</param>
    /// <param name="rentData">Whether a record's data (an SQS body, an SNS message, Kinesis data, a DynamoDB Streams
    /// record) may go into an array rented from the shared pool, which the caller returns
    /// (<see cref="EventItem.ReturnRented"/>) once the record's invocation is over.</param>
    public static EventBatch Read(LambdaEventSource source, ReadOnlySpan<byte> payload, bool rentData = false)
    {
        try
        {
            return ReadCore(source, payload, rentData);
        }
        catch (InvalidOperationException exception)
        {
            throw EventSourceDetector.InvalidText(exception);
        }
    }

    private static EventBatch ReadCore(LambdaEventSource source, ReadOnlySpan<byte> payload, bool rentData) => source switch
    {
        LambdaEventSource.Sqs => ReadSqs(payload, rentData),
        LambdaEventSource.Sns => ReadSns(payload, rentData),
        LambdaEventSource.S3 => ReadS3(payload),
        LambdaEventSource.EventBridge => ReadEventBridge(payload),
        LambdaEventSource.Kinesis => ReadKinesis(payload, rentData),
        LambdaEventSource.DynamoDbStreams => ReadDynamoDb(payload, rentData),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Not an event source."),
    };

    public static EventBatch ReadSqs(ReadOnlySpan<byte> payload, bool rentBodies = false)
    {
        var records = SqsJson.ReadEvent(payload, rentBodies).Records ?? throw new JsonException("The SQS event has no Records.");
        var items = new EventItem[records.Count];
        var fifo = false;
        for (var i = 0; i < items.Length; i++)
        {
            var record = records[i] ?? throw new JsonException($"SQS record {i} is null.");
            var messageId = record.MessageId ?? throw new JsonException($"SQS record {i} has no messageId.");
            // Sized once: the region, each attribute (the trace header two) and each message attribute.
            var extensions = new EventExtensions(2 + (record.Attributes?.Count ?? 0) + (record.MessageAttributes?.Count ?? 0));
            AddIfSet(extensions, "awsregion", record.AwsRegion);
            DateTimeOffset? time = null;
            if (record.Attributes is { Count: > 0 })
            {
                foreach (var (name, value) in record.Attributes)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (name == "AWSTraceHeader")
                    {
                        AddIfSet(extensions, "traceparent", XRayTraceHeader.ToTraceParent(value));
                        AddIfSet(extensions, "awstraceheader", value);
                        continue;
                    }

                    if (name == "SentTimestamp" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var sent))
                    {
                        time = FromEpochMilliseconds(sent);
                    }

                    if (name == "MessageGroupId")
                    {
                        fifo = true;
                    }

                    AddIfSet(extensions, ExtensionName(name), value);
                }
            }

            if (record.MessageAttributes is { Count: > 0 })
            {
                foreach (var (name, attribute) in record.MessageAttributes)
                {
                    AddIfSet(extensions, ExtensionName(name), attribute?.StringValue ?? attribute?.BinaryValue);
                }
            }

            ReadOnlyMemory<byte> body = record.RentedBody is { } rented ? rented : record.Body ?? [];
            items[i] = new EventItem(new FunctionEventEnvelope
            {
                Id = messageId,
                Source = record.EventSourceArn ?? "aws:sqs",
                Type = SqsType,
                Time = time,
                DataContentType = SniffContentType(body.Span),
                Extensions = extensions,
                Data = body,
            }, messageId, record.RentedBody?.Array);
            fifo |= record.EventSourceArn?.EndsWith(".fifo", StringComparison.Ordinal) == true;
        }

        return new EventBatch(items, fifo ? BatchMode.OrderedRest : BatchMode.EachRecord, FunctionTrigger.PubSub);
    }

    public static EventBatch ReadSns(ReadOnlySpan<byte> payload, bool rentMessages = false)
    {
        var records = SnsJson.ReadEvent(payload, rentMessages).Records ?? throw new JsonException("The SNS event has no Records.");
        var items = new EventItem[records.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var message = records[i]?.Sns ?? throw new JsonException($"SNS record {i} has no Sns member.");
            var messageId = message.MessageId ?? throw new JsonException($"SNS record {i} has no MessageId.");
            var extensions = new EventExtensions(1 + (message.MessageAttributes?.Count ?? 0));
            AddIfSet(extensions, "subscriptionarn", records[i]!.EventSubscriptionArn);
            if (message.MessageAttributes is { Count: > 0 })
            {
                foreach (var (name, value) in message.MessageAttributes)
                {
                    AddIfSet(extensions, ExtensionName(name), value);
                }
            }

            ReadOnlyMemory<byte> body = message.RentedMessage is { } rented ? rented : message.Message ?? [];
            items[i] = new EventItem(new FunctionEventEnvelope
            {
                Id = messageId,
                Source = message.TopicArn ?? "aws:sns",
                Type = SnsType,
                Subject = string.IsNullOrEmpty(message.Subject) ? null : message.Subject,
                Time = ParseTime(message.Timestamp),
                DataContentType = SniffContentType(body.Span),
                Extensions = extensions,
                Data = body,
            }, messageId, message.RentedMessage?.Array);
        }

        return new EventBatch(items, BatchMode.WholeEvent, FunctionTrigger.PubSub);
    }

    public static EventBatch ReadS3(ReadOnlySpan<byte> payload)
    {
        var records = S3Json.ReadRecords(payload) ?? throw new JsonException("The S3 event has no Records.");
        var items = new EventItem[records.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var record = records[i] ?? throw new JsonException($"S3 record {i} is null.");
            var bucket = record.S3?.Bucket?.Name ?? throw new JsonException($"S3 record {i} has no bucket name.");
            var encodedKey = record.S3?.Object?.Key ?? throw new JsonException($"S3 record {i} has no object key.");
            var key = DecodeS3Key(encodedKey);
            var change = new StorageObjectChange
            {
                Bucket = bucket,
                Key = key,
                Kind = ChangeKind(record.EventName),
                Size = record.S3.Object.Size,
                ETag = string.IsNullOrEmpty(record.S3.Object.ETag) ? null : record.S3.Object.ETag,
                Version = string.IsNullOrEmpty(record.S3.Object.VersionId) ? null : record.S3.Object.VersionId,
            };

            var extensions = new EventExtensions(2);
            AddIfSet(extensions, "awsregion", record.AwsRegion);
            AddIfSet(extensions, "sequencer", record.S3.Object.Sequencer);
            var requestId = record.ResponseElements?.GetValueOrDefault("x-amz-request-id");
            var hostId = record.ResponseElements?.GetValueOrDefault("x-amz-id-2");
            var id = requestId is not null && hostId is not null
                ? string.Concat(requestId, ".", hostId)
                : string.Concat(bucket, "/", encodedKey, "@", record.S3.Object.Sequencer ?? record.EventTime ?? i.ToString(CultureInfo.InvariantCulture));
            items[i] = new EventItem(new FunctionEventEnvelope
            {
                Id = id,
                Source = record.S3.Bucket.Arn ?? "arn:aws:s3:::" + bucket,
                Type = S3TypePrefix + (record.EventName ?? "Unknown"),
                Subject = key,
                Time = ParseTime(record.EventTime),
                DataContentType = JsonMediaType,
                Extensions = extensions,
                BoundData = change,
            }, id);
        }

        return new EventBatch(items, BatchMode.WholeEvent, FunctionTrigger.DataSource);
    }

    public static EventBatch ReadEventBridge(ReadOnlySpan<byte> payload)
    {
        var bridge = EventBridgeJson.ReadEvent(payload);
        var id = bridge.Id ?? throw new JsonException("The EventBridge event has no id.");
        var source = bridge.Source ?? throw new JsonException("The EventBridge event has no source.");
        var detailType = bridge.DetailType ?? throw new JsonException("The EventBridge event has no detail-type.");
        var time = ParseTime(bridge.Time);
        var extensions = new EventExtensions(3);
        AddIfSet(extensions, "awsregion", bridge.Region);
        AddIfSet(extensions, "awsaccount", bridge.Account);
        if (bridge.Resources is { Count: > 0 })
        {
            extensions.TryAdd("resources", string.Join(",", bridge.Resources));
        }

        var scheduled = source == "aws.events" && detailType == "Scheduled Event";

        var envelope = new FunctionEventEnvelope
        {
            Id = id,
            Source = source,
            Type = detailType,
            Subject = bridge.Resources is { Count: > 0 } resources ? resources[0] : null,
            Time = time,
            DataContentType = JsonMediaType,
            Extensions = extensions,
            Data = scheduled ? ReadOnlyMemory<byte>.Empty : bridge.Detail ?? "null"u8.ToArray(),
            BoundData = scheduled ? new ScheduleTick { ScheduledTime = time ?? DateTimeOffset.UnixEpoch } : null,
        };
        return new EventBatch([new EventItem(envelope, id)], BatchMode.WholeEvent, scheduled ? FunctionTrigger.Timer : FunctionTrigger.PubSub);
    }

    public static EventBatch ReadKinesis(ReadOnlySpan<byte> payload, bool rentData = false)
    {
        var records = KinesisJson.ReadRecords(payload, rentData) ?? throw new JsonException("The Kinesis event has no Records.");
        var items = new EventItem[records.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var record = records[i] ?? throw new JsonException($"Kinesis record {i} is null.");
            var kinesis = record.Kinesis ?? throw new JsonException($"Kinesis record {i} has no kinesis member.");
            var sequenceNumber = kinesis.SequenceNumber ?? throw new JsonException($"Kinesis record {i} has no sequenceNumber.");
            ReadOnlyMemory<byte> data;
            if (kinesis.RentedData is { } rented)
            {
                data = rented;
            }
            else
            {
                try
                {
                    data = Convert.FromBase64String(kinesis.Data ?? string.Empty);
                }
                catch (FormatException)
                {
                    throw new JsonException($"Kinesis record {i} has data that is not valid base64.");
                }
            }

            var extensions = new EventExtensions(3);
            AddIfSet(extensions, "partitionkey", kinesis.PartitionKey);
            AddIfSet(extensions, "sequencenumber", sequenceNumber);
            AddIfSet(extensions, "awsregion", record.AwsRegion);
            items[i] = new EventItem(new FunctionEventEnvelope
            {
                Id = record.EventId ?? sequenceNumber,
                Source = record.EventSourceArn ?? "aws:kinesis",
                Type = KinesisType,
                Subject = kinesis.PartitionKey,
                Time = kinesis.ApproximateArrivalTimestamp is { } arrival ? FromEpochMilliseconds(arrival * 1000) : null,
                DataContentType = SniffContentType(data.Span),
                Extensions = extensions,
                Data = data,
            }, sequenceNumber, kinesis.RentedData?.Array);
        }

        return new EventBatch(items, BatchMode.OrderedCheckpoint, FunctionTrigger.PubSub);
    }

    public static EventBatch ReadDynamoDb(ReadOnlySpan<byte> payload, bool rentData = false)
    {
        var records = DynamoDbJson.ReadRecords(payload) ?? throw new JsonException("The DynamoDB Streams event has no Records.");
        var items = new EventItem[records.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var record = records[i] ?? throw new JsonException($"DynamoDB record {i} is null.");
            if (record.Dynamodb is not { ValueKind: JsonValueKind.Object } stream)
            {
                throw new JsonException($"DynamoDB record {i} has no dynamodb member.");
            }

            var sequenceNumber = stream.TryGetProperty("SequenceNumber", out var sequence) && sequence.ValueKind == JsonValueKind.String
                ? sequence.GetString()!
                : throw new JsonException($"DynamoDB record {i} has no SequenceNumber.");
            DateTimeOffset? time = stream.TryGetProperty("ApproximateCreationDateTime", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetDouble(out var seconds)
                ? FromEpochMilliseconds(seconds * 1000)
                : null;
            var extensions = new EventExtensions(3);
            AddIfSet(extensions, "sequencenumber", sequenceNumber);
            AddIfSet(extensions, "awsregion", record.AwsRegion);
            if (stream.TryGetProperty("StreamViewType", out var view) && view.ValueKind == JsonValueKind.String)
            {
                AddIfSet(extensions, "streamviewtype", view.GetString());
            }

            var raw = JsonMarshal.GetRawUtf8Value(stream);
            byte[]? rentedData = null;
            ReadOnlyMemory<byte> data;
            if (rentData)
            {
                rentedData = ArrayPool<byte>.Shared.Rent(raw.Length);
                raw.CopyTo(rentedData);
                data = rentedData.AsMemory(0, raw.Length);
            }
            else
            {
                data = raw.ToArray();
            }

            items[i] = new EventItem(new FunctionEventEnvelope
            {
                Id = record.EventId ?? sequenceNumber,
                Source = record.EventSourceArn ?? "aws:dynamodb",
                Type = DynamoDbTypePrefix + (record.EventName ?? "Unknown"),
                Time = time,
                DataContentType = JsonMediaType,
                Extensions = extensions,
                Data = data,
            }, sequenceNumber, rentedData);
        }

        return new EventBatch(items, BatchMode.OrderedCheckpoint, FunctionTrigger.DataSource);
    }

    /// <summary>S3 keys are URL-encoded the form way: <c>+</c> is a space, <c>%2B</c> a plus.</summary>
    internal static string DecodeS3Key(string key) => WebUtility.UrlDecode(key);

    internal static StorageChangeKind ChangeKind(string? eventName)
    {
        if (eventName is null)
        {
            return StorageChangeKind.Unknown;
        }

        if (eventName.StartsWith("ObjectCreated:", StringComparison.Ordinal))
        {
            return StorageChangeKind.Created;
        }

        if (eventName.StartsWith("ObjectRemoved:", StringComparison.Ordinal) || eventName.StartsWith("LifecycleExpiration:", StringComparison.Ordinal))
        {
            return StorageChangeKind.Deleted;
        }

        if (eventName.StartsWith("ObjectTagging:", StringComparison.Ordinal) || eventName.StartsWith("ObjectAcl:", StringComparison.Ordinal))
        {
            return StorageChangeKind.MetadataUpdated;
        }

        return eventName.StartsWith("LifecycleTransition", StringComparison.Ordinal) || eventName.StartsWith("ObjectRestore:Delete", StringComparison.Ordinal)
            ? StorageChangeKind.Archived
            : StorageChangeKind.Unknown;
    }

    /// <summary>JSON objects and arrays are declared JSON; anything else is text, which a <see cref="string"/> data type reads as is.</summary>
    internal static string SniffContentType(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && (trimmed[0] == (byte)'{' || trimmed[0] == (byte)'[')
            ? JsonMediaType
            : "text/plain; charset=utf-8";
    }

    /// <summary>CloudEvents extension names are lower-case letters and digits.</summary>
    /// <remarks>
    /// Every SQS record carries the same few system attributes: their names are constants here, and a name that is
    /// already an extension name is returned as it is, so only other names allocate — their one string.
    /// </remarks>
    internal static string ExtensionName(string name) => name switch
    {
        "ApproximateReceiveCount" => "approximatereceivecount",
        "ApproximateFirstReceiveTimestamp" => "approximatefirstreceivetimestamp",
        "SentTimestamp" => "senttimestamp",
        "SenderId" => "senderid",
        "SequenceNumber" => "sequencenumber",
        "MessageGroupId" => "messagegroupid",
        "MessageDeduplicationId" => "messagededuplicationid",
        "DeadLetterQueueSourceArn" => "deadletterqueuesourcearn",
        _ => ToExtensionName(name),
    };

    private static string ToExtensionName(string name)
    {
        var length = 0;
        var same = true;
        foreach (var c in name)
        {
            length += char.IsAsciiLetterOrDigit(c) ? 1 : 0;
            same &= char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
        }

        if (same)
        {
            return name;
        }

        return string.Create(length, name, static (destination, name) =>
        {
            var i = 0;
            foreach (var c in name)
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    destination[i++] = char.ToLowerInvariant(c);
                }
            }
        });
    }

    private static void AddIfSet(EventExtensions extensions, string name, string? value)
    {
        if (name.Length > 0 && !string.IsNullOrEmpty(value))
        {
            extensions.TryAdd(name, value);
        }
    }

    /// <summary>A time in epoch milliseconds, or none when the number is not a time (outside what a DateTimeOffset holds, NaN).</summary>
    private static DateTimeOffset? FromEpochMilliseconds(double milliseconds) =>
        milliseconds is >= -62_135_596_800_000d and <= 253_402_300_799_999d ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds) : null;

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
