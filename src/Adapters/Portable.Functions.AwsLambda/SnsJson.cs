using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the SNS event (<c>{"Records":[{"EventSubscriptionArn","Sns":{…}}]}</c>, PascalCase) with
/// <see cref="Utf8JsonReader"/> directly, as <see cref="SqsJson"/> does the SQS event: the members the adapter maps,
/// the rest skipped, a <c>null</c> record kept for the mapper to report.
/// </summary>
internal static class SnsJson
{
    // The same in every record of a subscription's events: one string each, not one per record.
    private static readonly RepeatedText SubscriptionArns = new(), TopicArns = new();

    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    /// <param name="payload">The event.</param>
    /// <param name="rentMessages">Whether each message goes into an array rented from the shared pool (<see cref="SnsMessage.RentedMessage"/>).</param>
    public static SnsEvent ReadEvent(ReadOnlySpan<byte> payload, bool rentMessages = false) =>
        new() { Records = ReadRecords<SnsRecord>(payload, rentMessages ? static (ref reader) => ReadRecord(ref reader, rentMessages: true) : static (ref reader) => ReadRecord(ref reader, rentMessages: false)) };

    private static SnsRecord ReadRecord(ref Utf8JsonReader reader, bool rentMessages)
    {
        var record = new SnsRecord();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("EventSubscriptionArn"u8))
            {
                record.EventSubscriptionArn = ReadRepeatedString(ref reader, ".EventSubscriptionArn", SubscriptionArns);
            }
            else if (reader.ValueTextEquals("Sns"u8))
            {
                record.Sns = ReadMessage(ref reader, rentMessages);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return record;
    }

    private static SnsMessage? ReadMessage(ref Utf8JsonReader reader, bool rentMessage)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, ".Sns"))
        {
            return null;
        }
        var message = new SnsMessage();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("MessageId"u8))
            {
                message.MessageId = ReadString(ref reader, ".Sns.MessageId");
            }
            else if (reader.ValueTextEquals("TopicArn"u8))
            {
                message.TopicArn = ReadRepeatedString(ref reader, ".Sns.TopicArn", TopicArns);
            }
            else if (reader.ValueTextEquals("Subject"u8))
            {
                message.Subject = ReadString(ref reader, ".Sns.Subject");
            }
            else if (reader.ValueTextEquals("Message"u8))
            {
                if (rentMessage)
                {
                    message.RentedMessage = ReadUtf8Rented(ref reader, ".Sns.Message");
                }
                else
                {
                    message.Message = ReadUtf8(ref reader, ".Sns.Message");
                }
            }
            else if (reader.ValueTextEquals("Timestamp"u8))
            {
                message.Timestamp = ReadString(ref reader, ".Sns.Timestamp");
            }
            else if (reader.ValueTextEquals("MessageAttributes"u8))
            {
                message.MessageAttributes = ReadMessageAttributes(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return message;
    }

    /// <summary>Each attribute's <c>Value</c> (its <c>Type</c> is not mapped); a <c>null</c> attribute stays <c>null</c>.</summary>
    private static Dictionary<string, string?>? ReadMessageAttributes(ref Utf8JsonReader reader)
    {
        const string Path = ".Sns.MessageAttributes";
        if (!ReadStart(ref reader, JsonTokenType.StartObject, Path))
        {
            return null;
        }
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (NextMember(ref reader))
        {
            var name = Text(ref reader, Path);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                attributes[name] = null;
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw WrongType(Path + "['" + name + "']", "an object");
            }

            string? value = null;
            while (NextMember(ref reader))
            {
                if (reader.ValueTextEquals("Value"u8))
                {
                    value = ReadString(ref reader, Path + "['" + name + "'].Value");
                }
                else
                {
                    Skip(ref reader);
                }
            }

            attributes[name] = value;
        }

        return attributes;
    }
}
