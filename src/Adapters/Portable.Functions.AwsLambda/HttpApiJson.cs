using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the HTTP API / Function URL (payload 2.0) event and writes its response with <see cref="Utf8JsonReader"/> and
/// <see cref="Utf8JsonWriter"/> directly. The envelope is fixed and small, and it is the first thing a cold start behind
/// an HTTP API reads: building System.Text.Json's metadata for it (its types, their converters, a reflection look-up of
/// polymorphism attributes per type) cost more than the whole read. The rules are the source-generated ones it
/// replaces: camelCase names matched exactly, the last of a repeated member wins, unknown members skipped, a member of
/// the wrong JSON type or text that is not UTF-8 is a <see cref="JsonException"/> naming its path.
/// </summary>
internal static class HttpApiJson
{
    private const int MaxKeptBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // As LambdaJsonWriter: a JSON body nested in the response reads {\"a\":1}, not {\u0022a\u0022:1}.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Reads the members of the event the adapter maps.</summary>
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a member has the wrong type.</exception>
    public static HttpApiRequest ReadRequest(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new JsonException("The event is null.");
        }

        Expect(ref reader, JsonTokenType.StartObject, "$");
        var request = new HttpApiRequest();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("version"u8))
            {
                request.Version = ReadString(ref reader, "$.version");
            }
            else if (reader.ValueTextEquals("rawPath"u8))
            {
                request.RawPath = ReadString(ref reader, "$.rawPath");
            }
            else if (reader.ValueTextEquals("rawQueryString"u8))
            {
                request.RawQueryString = ReadString(ref reader, "$.rawQueryString");
            }
            else if (reader.ValueTextEquals("cookies"u8))
            {
                request.Cookies = ReadStrings(ref reader, "$.cookies");
            }
            else if (reader.ValueTextEquals("headers"u8))
            {
                request.Headers = ReadStringMap(ref reader, "$.headers");
            }
            else if (reader.ValueTextEquals("requestContext"u8))
            {
                request.RequestContext = ReadRequestContext(ref reader);
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                request.Body = ReadUtf8(ref reader, "$.body");
            }
            else if (reader.ValueTextEquals("isBase64Encoded"u8))
            {
                request.IsBase64Encoded = ReadBoolean(ref reader, "$.isBase64Encoded");
            }
            else
            {
                Skip(ref reader);
            }
        }

        reader.Read(); // nothing but white space may follow: the reader throws on anything else
        return request;
    }

    /// <summary>Writes <c>{"statusCode","headers","cookies","body","isBase64Encoded"}</c>, <c>cookies</c> left out when there are none.</summary>
    /// <remarks><paramref name="body"/> is written as it is (UTF-8 text, escaped) or base64-encoded, as <paramref name="isBase64Encoded"/> says.</remarks>
    public static byte[] WriteResponse(int statusCode, Dictionary<string, string> headers, List<string>? cookies, ReadOnlySpan<byte> body, bool isBase64Encoded)
    {
        // One buffer and writer per thread, reused (as System.Text.Json's own SerializeToUtf8Bytes does): a response
        // allocates its byte[] and nothing else. A buffer grown past MaxKeptBuffer by a large response is let go.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode"u8, statusCode);
            writer.WriteStartObject("headers"u8);
            foreach (var (name, value) in headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            if (cookies is { Count: > 0 })
            {
                writer.WriteStartArray("cookies"u8);
                foreach (var cookie in cookies)
                {
                    writer.WriteStringValue(cookie);
                }

                writer.WriteEndArray();
            }

            if (isBase64Encoded)
            {
                writer.WriteBase64String("body"u8, body);
            }
            else
            {
                writer.WriteString("body"u8, body);
            }

            writer.WriteBoolean("isBase64Encoded"u8, isBase64Encoded);
            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > MaxKeptBuffer)
            {
                t_buffer = null;
                t_writer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
            }
        }
    }

    private static HttpApiRequestContext? ReadRequestContext(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, "$.requestContext");
        var context = new HttpApiRequestContext();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("requestId"u8))
            {
                context.RequestId = ReadString(ref reader, "$.requestContext.requestId");
            }
            else if (reader.ValueTextEquals("domainName"u8))
            {
                context.DomainName = ReadString(ref reader, "$.requestContext.domainName");
            }
            else if (reader.ValueTextEquals("http"u8))
            {
                context.Http = ReadHttp(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return context;
    }

    private static HttpApiRequestHttp? ReadHttp(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, "$.requestContext.http");
        var http = new HttpApiRequestHttp();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("method"u8))
            {
                http.Method = ReadString(ref reader, "$.requestContext.http.method");
            }
            else if (reader.ValueTextEquals("path"u8))
            {
                http.Path = ReadString(ref reader, "$.requestContext.http.path");
            }
            else
            {
                Skip(ref reader);
            }
        }

        return http;
    }

    /// <summary>Moves to the next member's name; <see langword="false"/> at the end of the object.</summary>
    private static bool NextMember(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip(); // the whole payload is in the span: Skip never runs out of data
    }

    private static string? ReadString(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => Text(ref reader, path),
            _ => throw WrongType(path, "a string"),
        };
    }

    /// <summary>A string's text as UTF-8 bytes (unescaped): the body is passed on as bytes, never through a .NET string.</summary>
    private static byte[]? ReadUtf8(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw WrongType(path, "a string");
        }

        byte[] bytes;
        if (reader.ValueIsEscaped)
        {
            var buffer = new byte[reader.ValueSpan.Length]; // unescaping never lengthens the text
            int written;
            try
            {
                written = reader.CopyString(buffer);
            }
            catch (InvalidOperationException)
            {
                throw new JsonException("The text is not valid UTF-8.", path, null, null);
            }

            bytes = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        }
        else
        {
            bytes = reader.ValueSpan.ToArray();
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? bytes : throw new JsonException("The text is not valid UTF-8.", path, null, null);
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw WrongType(path, "true or false"),
        };
    }

    private static List<string>? ReadStrings(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartArray, path);
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    list.Add(Text(ref reader, path));
                    break;
                case JsonTokenType.Null:
                    break; // nothing to map
                default:
                    throw WrongType(path + "[" + list.Count + "]", "a string");
            }
        }

        return list;
    }

    private static Dictionary<string, string?>? ReadStringMap(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, path);
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (NextMember(ref reader))
        {
            var name = Text(ref reader, path);
            reader.Read();
            map[name] = reader.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.String => Text(ref reader, path),
                _ => throw WrongType(path + "['" + name + "']", "a string"),
            };
        }

        return map;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path)
    {
        if (reader.TokenType != type)
        {
            throw WrongType(path, type == JsonTokenType.StartObject ? "an object" : "an array");
        }
    }

    /// <summary>A string's text; text that is not UTF-8 is a <see cref="JsonException"/>, as System.Text.Json reports it while deserializing.</summary>
    private static string Text(ref Utf8JsonReader reader, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new JsonException("The text is not valid UTF-8.", path, null, null);
        }
    }

    private static JsonException WrongType(string path, string expected) =>
        new($"The value is not {expected}.", path, null, null);
}
