using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The pieces the hand-written envelope readers (<see cref="HttpApiJson"/>, <see cref="ProxyJson"/>, <see cref="SqsJson"/>,
/// <see cref="SnsJson"/>, <see cref="S3Json"/>, <see cref="KinesisJson"/>) share, with the
/// rules of the source-generated serializer they replace: <c>null</c> for a reference member, a member of the wrong
/// JSON type or text that is not UTF-8 a <see cref="JsonException"/> naming its path, unknown members skipped whatever
/// their shape. Each method starts on the token before the value it reads (a member's name) and ends on the value.
/// </summary>
internal static class EnvelopeReader
{
    /// <summary>Moves to the next member's name; <see langword="false"/> at the end of the object.</summary>
    internal static bool NextMember(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    internal static void Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip(); // the whole payload is in the span: Skip never runs out of data
    }

    /// <summary>A string or <c>null</c>; a value among <paramref name="knownValues"/> is that same string every time.</summary>
    internal static string? ReadString(ref Utf8JsonReader reader, string path, KnownNames? knownValues = null)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => knownValues?.Find(ref reader) ?? Text(ref reader, path),
            _ => throw WrongType(path, "a string"),
        };
    }

    /// <summary>A string or <c>null</c>, checked as <see cref="ReadString"/> checks it; the same text as the last one read there is that same string.</summary>
    internal static string? ReadRepeatedString(ref Utf8JsonReader reader, string path, RepeatedText repeated)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => repeated.Read(ref reader, path),
            _ => throw WrongType(path, "a string"),
        };
    }

    /// <summary>
    /// Checks a member that must be a string or <c>null</c> (with valid text), as <see cref="ReadString"/> would, without
    /// keeping it: for a member nothing reads, such as an envelope's <c>version</c>.
    /// </summary>
    internal static void CheckString(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return;
            case JsonTokenType.String when !reader.ValueIsEscaped:
                if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                {
                    throw new JsonException("The text is not valid UTF-8.", path, null, null);
                }

                return;
            case JsonTokenType.String:
                _ = Text(ref reader, path); // its escapes must make whole characters
                return;
            default:
                throw WrongType(path, "a string");
        }
    }

    /// <summary>
    /// Reads a string member (checked as <see cref="ReadString"/> checks it) only to learn whether it contains an ASCII
    /// text, in any case; an unescaped one is searched where it lies, without a string.
    /// </summary>
    internal static bool ReadStringContains(ref Utf8JsonReader reader, string path, string asciiText)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return false;
            case JsonTokenType.String when !reader.ValueIsEscaped:
                var text = reader.ValueSpan;
                if (!System.Text.Unicode.Utf8.IsValid(text))
                {
                    throw new JsonException("The text is not valid UTF-8.", path, null, null);
                }

                for (var i = 0; i + asciiText.Length <= text.Length; i++)
                {
                    if (System.Text.Ascii.EqualsIgnoreCase(text.Slice(i, asciiText.Length), asciiText))
                    {
                        return true;
                    }
                }

                return false;
            case JsonTokenType.String:
                return Text(ref reader, path).Contains(asciiText, StringComparison.OrdinalIgnoreCase);
            default:
                throw WrongType(path, "a string");
        }
    }

    /// <summary>A string's text as UTF-8 bytes (unescaped): the body is passed on as bytes, never through a .NET string.</summary>
    internal static byte[]? ReadUtf8(ref Utf8JsonReader reader, string path)
    {
        if (!ReadStringToken(ref reader, path))
        {
            return null;
        }

        byte[] bytes;
        if (reader.ValueIsEscaped)
        {
            // Unescaped into a rented buffer (unescaping never lengthens the text), then copied once at its own length:
            // a JSON body nested in an event is always escaped, and sizing the array by the escaped text meant a
            // second copy whenever anything was unescaped.
            var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
            try
            {
                bytes = rented.AsSpan(0, Unescape(ref reader, rented, path)).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        else
        {
            bytes = reader.ValueSpan.ToArray();
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? bytes : throw NotUtf8(path);
    }

    /// <summary>
    /// A string's text as UTF-8 bytes (unescaped), as <see cref="ReadUtf8"/> reads it, in an array rented from the shared
    /// pool that the caller returns once nothing reads it (<see cref="EventItem.ReturnRented"/>); <see langword="null"/>
    /// for a JSON <c>null</c>.
    /// </summary>
    internal static ArraySegment<byte>? ReadUtf8Rented(ref Utf8JsonReader reader, string path)
    {
        if (!ReadStringToken(ref reader, path))
        {
            return null;
        }

        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length); // unescaping never lengthens the text
        try
        {
            var length = reader.ValueIsEscaped ? Unescape(ref reader, rented, path) : Copy(reader.ValueSpan, rented);
            return System.Text.Unicode.Utf8.IsValid(rented.AsSpan(0, length)) ? new ArraySegment<byte>(rented, 0, length) : throw NotUtf8(path);
        }
        catch
        {
            RentedArrays.Return(rented);
            throw;
        }

        static int Copy(ReadOnlySpan<byte> value, byte[] into)
        {
            value.CopyTo(into);
            return value.Length;
        }
    }

    /// <summary>Reads a member that must be a string or <c>null</c>: <see langword="false"/> for <c>null</c>.</summary>
    private static bool ReadStringToken(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => false,
            JsonTokenType.String => true,
            _ => throw WrongType(path, "a string"),
        };
    }

    private static int Unescape(ref Utf8JsonReader reader, byte[] into, string path)
    {
        try
        {
            return reader.CopyString(into);
        }
        catch (InvalidOperationException)
        {
            throw NotUtf8(path);
        }
    }

    private static JsonException NotUtf8(string path) => new("The text is not valid UTF-8.", path, null, null);

    internal static bool ReadBoolean(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw WrongType(path, "true or false"),
        };
    }

    /// <summary>An array of strings, its <c>null</c> elements left out.</summary>
    internal static List<string>? ReadStrings(ref Utf8JsonReader reader, string path)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartArray, path))
        {
            return null;
        }
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

    /// <summary>An object whose values are arrays of strings (API Gateway's and ALB's multi-value maps), <c>null</c>s kept.</summary>
    internal static Dictionary<string, List<string?>?>? ReadStringListMap(ref Utf8JsonReader reader, string path)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, path))
        {
            return null;
        }
        var map = new Dictionary<string, List<string?>?>(StringComparer.Ordinal);
        while (NextMember(ref reader))
        {
            var name = Text(ref reader, path);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                map[name] = null;
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw WrongType(path + "['" + name + "']", "an array");
            }

            var values = new List<string?>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                values.Add(reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => Text(ref reader, path),
                    _ => throw WrongType(path + "['" + name + "'][" + values.Count + "]", "a string"),
                });
            }

            map[name] = values;
        }

        return map;
    }

    internal static Dictionary<string, string?>? ReadStringMap(ref Utf8JsonReader reader, string path, KnownNames? knownNames = null, int capacity = 0)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, path))
        {
            return null;
        }
        var map = new Dictionary<string, string?>(capacity, StringComparer.Ordinal);
        while (NextMember(ref reader))
        {
            var name = knownNames?.Find(ref reader) ?? Text(ref reader, path);
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

    /// <summary>
    /// An object of single-value headers read straight into the request's case-insensitive header map: the last of a
    /// repeated name wins, a <c>null</c> value leaves the name out (as if the member were absent).
    /// </summary>
    internal static Dictionary<string, StringValues>? ReadHeaders(ref Utf8JsonReader reader, string path)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, path))
        {
            return null;
        }

        var map = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        while (NextMember(ref reader))
        {
            var name = Text(ref reader, path);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    map.Remove(name);
                    break;
                case JsonTokenType.String:
                    map[name] = Text(ref reader, path);
                    break;
                default:
                    throw WrongType(path + "['" + name + "']", "a string");
            }
        }

        return map;
    }

    /// <summary>Moves to a member's value: <see langword="false"/> when it is <c>null</c>; otherwise it must start a <paramref name="type"/>.</summary>
    internal static bool ReadStart(ref Utf8JsonReader reader, JsonTokenType type, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        Expect(ref reader, type, path);
        return true;
    }

    internal static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path)
    {
        if (reader.TokenType != type)
        {
            throw WrongType(path, type == JsonTokenType.StartObject ? "an object" : "an array");
        }
    }

    /// <summary>A string's text; text that is not UTF-8 is a <see cref="JsonException"/>, as System.Text.Json reports it while deserializing.</summary>
    internal static string Text(ref Utf8JsonReader reader, string path)
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

    /// <summary>A whole number, or <c>null</c>; a string holding one is read too (the contexts allowed numbers from strings).</summary>
    internal static long? ReadInt64(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetInt64(out var number):
                return number;
            case JsonTokenType.String when long.TryParse(Text(ref reader, path), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw WrongType(path, "a whole number");
        }
    }

    /// <summary>A number, or <c>null</c>; a string holding one is read too (the contexts allowed numbers from strings).</summary>
    internal static double? ReadDouble(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetDouble(out var number):
                return number;
            case JsonTokenType.String when double.TryParse(Text(ref reader, path), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed):
                return parsed;
            default:
                throw WrongType(path, "a number");
        }
    }

    /// <summary>
    /// Reads a whole event: one JSON object, its members read by <paramref name="readMembers"/> (which starts on the
    /// object's start and ends on its end), nothing after it but white space. A <c>null</c> event, or text the reader
    /// cannot decode — met by a comparison, a read or a skip, which Utf8JsonReader reports with an
    /// InvalidOperationException — is a <see cref="JsonException"/> as the serializer's would be.
    /// </summary>
    internal static T ReadEvent<T>(ReadOnlySpan<byte> payload, ObjectReader<T> readMembers)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new JsonException("The event is null.");
            }

            Expect(ref reader, JsonTokenType.StartObject, "$");
            var value = readMembers(ref reader);
            reader.Read(); // nothing but white space may follow: the reader throws on anything else
            return value;
        }
        catch (InvalidOperationException)
        {
            throw InvalidText();
        }
    }

    /// <summary>
    /// Reads <c>{"Records":[…]}</c>: each record object by <paramref name="readRecord"/> (paths inside it relative,
    /// completed here only on error), a <c>null</c> record kept for the mapper to report; other members skipped.
    /// </summary>
    internal static List<T?>? ReadRecords<T>(ReadOnlySpan<byte> payload, ObjectReader<T> readRecord)
        where T : class =>
        ReadEvent(payload, (ref Utf8JsonReader reader) =>
        {
            List<T?>? records = null;
            while (NextMember(ref reader))
            {
                if (!reader.ValueTextEquals("Records"u8))
                {
                    Skip(ref reader);
                    continue;
                }

                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    records = null;
                    continue;
                }

                Expect(ref reader, JsonTokenType.StartArray, "$.Records");
                records = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        records.Add(null);
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw WrongType("$.Records[" + records.Count + "]", "an object");
                    }

                    try
                    {
                        records.Add(readRecord(ref reader));
                    }
                    catch (JsonException exception) when (exception.Path is { } inner)
                    {
                        throw new JsonException(exception.Message, "$.Records[" + records.Count + "]" + inner, null, null);
                    }
                }
            }

            return records;
        });

    /// <summary>
    /// Names or values an envelope repeats in every record or event (SQS's system attributes, HTTP methods): matched as
    /// UTF-8 and returned as the same string each time instead of a new one.
    /// </summary>
    internal sealed class KnownNames(params string[] names)
    {
        private readonly (byte[] Utf8, string Text)[] _names = Array.ConvertAll(names, name => (System.Text.Encoding.UTF8.GetBytes(name), name));

        /// <summary>The reader's current property name or string as a known string, or <see langword="null"/>.</summary>
        public string? Find(ref Utf8JsonReader reader)
        {
            foreach (var (utf8, text) in _names)
            {
                if (reader.ValueTextEquals(utf8))
                {
                    return text;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// A member whose text repeats from record to record and from event to event — a record's queue, stream or table ARN,
    /// its region, its source — kept as the last string read on the thread, which is returned again while the text is
    /// the same: a batch of records from one queue makes one string of each, not one per record. A string is only ever
    /// returned for its own text.
    /// </summary>
    internal sealed class RepeatedText
    {
        /// <summary>The longest text kept (an ARN has at most a few hundred characters).</summary>
        internal const int MaxKept = 512;

        private static int s_count;

        [ThreadStatic]
        private static Entry?[]? t_last;

        private readonly int _index = Interlocked.Increment(ref s_count) - 1;

        /// <summary>The reader's current string (valid text, or a <see cref="JsonException"/> as <see cref="Text"/> throws).</summary>
        public string Read(ref Utf8JsonReader reader, string path)
        {
            var last = t_last;
            if (last is not null && _index < last.Length && last[_index] is { } entry && reader.ValueTextEquals(entry.Utf8))
            {
                return entry.Text;
            }

            var text = Text(ref reader, path);
            if (text.Length > MaxKept)
            {
                return text; // not an ARN or a region: nothing a thread should keep
            }

            if (last is null || _index >= last.Length)
            {
                Array.Resize(ref last, Math.Max(Volatile.Read(ref s_count), _index + 1));
                t_last = last;
            }

            last[_index] = new Entry(System.Text.Encoding.UTF8.GetBytes(text), text);
            return text;
        }

        private sealed class Entry(byte[] utf8, string text)
        {
            public byte[] Utf8 { get; } = utf8;

            public string Text { get; } = text;
        }
    }

    /// <summary>Reads an object's members, the reader on its start; a record reader's exception paths are relative to the record.</summary>
    internal delegate T ObjectReader<T>(ref Utf8JsonReader reader);

    internal static JsonException InvalidText() => new("The event has text that is not valid UTF-8, or an escape that is not a whole character.");

    internal static JsonException WrongType(string path, string expected) =>
        new($"The value is not {expected}.", path, null, null);
}
