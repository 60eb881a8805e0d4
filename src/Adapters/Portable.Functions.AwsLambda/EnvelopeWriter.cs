using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portable.Functions.AwsLambda;

/// <summary>What the hand-written envelope writers share, and the partial batch response every stream source answers with.</summary>
internal static class EnvelopeWriter
{
    /// <summary>As LambdaJsonWriter's: a JSON body nested in a response reads <c>{\"a\":1}</c>, not <c>{\u0022a\u0022:1}</c>.</summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes <c>{"batchItemFailures":[{"itemIdentifier":…},…]}</c> (SQS, Kinesis, DynamoDB Streams).</summary>
    public static byte[] WriteBatchResponse(List<string> failedItemIdentifiers)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + (failedItemIdentifiers.Count * 64));
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures"u8);
            foreach (var identifier in failedItemIdentifiers)
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier"u8, identifier);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
