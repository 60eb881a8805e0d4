using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portable.Functions.AwsLambda;

/// <summary>What the hand-written envelope writers share, and the partial batch response every stream source answers with.</summary>
internal static class EnvelopeWriter
{
    /// <summary>Relaxed escaping (the consumers are AWS services, not HTML pages): a JSON body nested in a response reads <c>{\"a\":1}</c>, not <c>{\u0022a\u0022:1}</c>.</summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private const int MaxKeptBuffer = 64 * 1024;

    private static readonly byte[] NoBatchItemFailures = "{\"batchItemFailures\":[]}"u8.ToArray();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Writes an HTTP response envelope, its members in this order and each left out when it is <see langword="null"/>
    /// (cookies also when empty): <c>statusCode</c>, <c>statusDescription</c> (ALB), <c>headers</c>,
    /// <c>multiValueHeaders</c>, <c>cookies</c> (HTTP API, the streaming prelude), and <c>body</c> with
    /// <c>isBase64Encoded</c> unless <paramref name="isBase64Encoded"/> is <see langword="null"/> (the prelude, which has no
    /// body). The body's bytes are written as escaped UTF-8 text, or base64-encoded.
    /// </summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="statusDescription">ALB's status line text, or <see langword="null"/>.</param>
    /// <param name="headers">Single-value headers, or <see langword="null"/>.</param>
    /// <param name="multiValueHeaders">Multi-value headers, or <see langword="null"/>.</param>
    /// <param name="cookies">Set-Cookie values, or <see langword="null"/>.</param>
    /// <param name="body">The body's bytes.</param>
    /// <param name="isBase64Encoded">Whether the body goes base64-encoded; <see langword="null"/> for no body members.</param>
    /// <param name="trailingZeros">Zero bytes to leave after the JSON (the streaming prelude's separator).</param>
    /// <param name="rent">Whether to return an array rented from the shared pool (the whole envelope is the segment) rather than one of its exact size.</param>
    public static ArraySegment<byte> WriteHttpResponse(
        int statusCode,
        string? statusDescription,
        Dictionary<string, string>? headers,
        Dictionary<string, string[]>? multiValueHeaders,
        List<string>? cookies,
        ReadOnlySpan<byte> body,
        bool? isBase64Encoded,
        int trailingZeros = 0,
        bool rent = false)
    {
        var writer = RentWriter();
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode"u8, statusCode);
            if (statusDescription is not null)
            {
                writer.WriteString("statusDescription"u8, statusDescription);
            }

            if (headers is not null)
            {
                writer.WriteStartObject("headers"u8);
                foreach (var (name, value) in headers)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
            }

            if (multiValueHeaders is not null)
            {
                writer.WriteStartObject("multiValueHeaders"u8);
                foreach (var (name, values) in multiValueHeaders)
                {
                    writer.WritePropertyName(name);
                    WriteStrings(writer, values);
                }

                writer.WriteEndObject();
            }

            if (cookies is { Count: > 0 })
            {
                writer.WritePropertyName("cookies"u8);
                WriteStrings(writer, cookies);
            }

            if (isBase64Encoded is { } base64)
            {
                WriteBody(writer, body, base64);
            }

            writer.WriteEndObject();
            return rent ? Rented(writer) : Written(writer, trailingZeros);
        }
        finally
        {
            ReturnWriter();
        }
    }

    /// <summary>
    /// Writes the HTTP API / Function URL (payload 2.0) response straight from the function's response, without
    /// collecting its headers first: <c>statusCode</c>, <c>headers</c> (<c>content-type</c> first, then every other
    /// header but <c>Set-Cookie</c>, names lower-cased, repeated values joined with commas), <c>cookies</c> when there
    /// are any, <c>body</c> and <c>isBase64Encoded</c>.
    /// </summary>
    public static ArraySegment<byte> WriteHttpApiResponse(FunctionHttpResponse response, List<string>? cookies, bool isBase64Encoded, bool rent)
    {
        var writer = RentWriter();
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode"u8, response.StatusCode);
            writer.WriteStartObject("headers"u8);
            if (response.ContentType is { } contentType)
            {
                writer.WriteString("content-type"u8, contentType);
            }

            if (response.HasHeaders)
            {
                // The response's map is case-insensitive, so the lower-cased names are as unique as the names.
                foreach (var (name, values) in response.Headers)
                {
                    if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                    {
                        writer.WriteString(name.ToLowerInvariant(), values.ToString());
                    }
                }
            }

            writer.WriteEndObject();
            if (cookies is { Count: > 0 })
            {
                writer.WritePropertyName("cookies"u8);
                WriteStrings(writer, cookies);
            }

            WriteBody(writer, response.Body.Span, isBase64Encoded);
            writer.WriteEndObject();
            return rent ? Rented(writer) : Written(writer);
        }
        finally
        {
            ReturnWriter();
        }
    }

    private static void WriteBody(Utf8JsonWriter writer, ReadOnlySpan<byte> body, bool base64)
    {
        if (base64)
        {
            writer.WriteBase64String("body"u8, body);
        }
        else
        {
            writer.WriteString("body"u8, body);
        }

        writer.WriteBoolean("isBase64Encoded"u8, base64);
    }

    /// <summary>Writes the canonical Runtime API error body, <c>{"errorType","errorMessage","stackTrace":[…]}</c>, in the order AWS's runtimes write it.</summary>
    public static byte[] WriteError(string errorType, string errorMessage, IReadOnlyList<string> stackTrace)
    {
        var writer = RentWriter();
        try
        {
            writer.WriteStartObject();
            writer.WriteString("errorType"u8, errorType);
            writer.WriteString("errorMessage"u8, errorMessage);
            writer.WritePropertyName("stackTrace"u8);
            WriteStrings(writer, stackTrace);
            writer.WriteEndObject();
            return Written(writer);
        }
        finally
        {
            ReturnWriter();
        }
    }

    /// <summary>Writes <c>{"batchItemFailures":[{"itemIdentifier":…},…]}</c> (SQS, Kinesis, DynamoDB Streams).</summary>
    /// <remarks>A batch without failures, the usual one, gets the same array every time: <c>{"batchItemFailures":[]}</c>.</remarks>
    public static ReadOnlyMemory<byte> WriteBatchResponse(List<string>? failedItemIdentifiers)
    {
        if (failedItemIdentifiers is not { Count: > 0 })
        {
            return NoBatchItemFailures;
        }

        var writer = RentWriter();
        try
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
            return Written(writer);
        }
        finally
        {
            ReturnWriter();
        }
    }

    // One buffer and writer per thread, reused (as System.Text.Json's own SerializeToUtf8Bytes does): what is written
    // allocates its byte[] and nothing else. A buffer grown past MaxKeptBuffer by a large response is let go.
    private static Utf8JsonWriter RentWriter() => t_writer ??= new Utf8JsonWriter(t_buffer = new ArrayBufferWriter<byte>(1024), Options);

    private static byte[] Written(Utf8JsonWriter writer, int trailingZeros = 0)
    {
        writer.Flush();
        var bytes = new byte[t_buffer!.WrittenCount + trailingZeros];
        t_buffer.WrittenSpan.CopyTo(bytes);
        return bytes;
    }

    /// <summary>What was written, in an array rented from the shared pool (see <see cref="LambdaOutcome.SuccessRented"/>).</summary>
    private static ArraySegment<byte> Rented(Utf8JsonWriter writer)
    {
        writer.Flush();
        var written = t_buffer!.WrittenSpan;
        var array = ArrayPool<byte>.Shared.Rent(written.Length);
        written.CopyTo(array);
        return new ArraySegment<byte>(array, 0, written.Length);
    }

    private static void ReturnWriter()
    {
        if (t_buffer!.Capacity > MaxKeptBuffer)
        {
            t_buffer = null;
            t_writer = null;
        }
        else
        {
            t_buffer.ResetWrittenCount();
            t_writer!.Reset(t_buffer);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
