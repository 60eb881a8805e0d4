using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Portable.Functions.Http;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The plain Pub/Sub reading in <see cref="GoogleEventData.Unwrap"/> is only an optimization: for every input it must
/// answer exactly as <see cref="GoogleEventData.UnwrapByTree"/>, the JsonNode tree the adapter always used: the same
/// exception type and message, or the same envelope (payload bytes, extensions in order with their comparer, attributes).
/// </summary>
public sealed class PubSubUnwrapEquivalenceTests
{
    /// <summary>Stands for bytes that are not UTF-8 where it appears in a test input.</summary>
    private const string BadUtf8 = "<BAD>";

    private static readonly string[] DataValues =
    [
        "\"eyJvcmRlcklkIjoibzEifQ==\"", "\"\"", "\"QQ==\"", "\"QUI=\"", "\"QUJD\"", "\"QR==\"", "\"QUJ=\"", "\"====\"", "\"Q===\"",
        "\"QUJD QQ==\"", "\"QUJD\\nQQ==\"", "\" QUJD \"", "\"QUJDQQ\"", "\"%%%\"", "\"QUJD\\u0051Q==\"", "\"QUJ\\/\"", "\"é\"",
        "\"QU" + BadUtf8 + "\"", "null", "1", "true", "{}", "[]", "{\"a\":1,\"a\":2}", "[\"QUJD\"]",
    ];

    private static readonly string[] AttributeNames =
        ["origin", "topic", "Origin", "a", "é", "\\u0061", "o" + BadUtf8, "", "attributes"];

    private static readonly string[] AttributeValues =
    [
        "\"checkout\"", "\"\"", "\"café\"", "\"caf\\u00e9\"", "\"line\\nbreak\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"",
        "\"x" + BadUtf8 + "\"", "1", "null", "false", "{}", "[]", "{\"k\":1,\"k\":2}", "\"\\\"quoted\\\"\"",
    ];

    private static readonly string[] MessageExtras =
        ["\"messageId\":\"m-1\"", "\"publishTime\":\"2024-01-01T00:00:00Z\"", "\"Data\":\"QUJD\"", "\"nested\":{\"data\":\"%%%\",\"n\":[1,{\"x\":2,\"x\":3}]}", "\"d\\u0061ta\":\"QUJD\""];

    private static readonly string[] TopExtras =
        ["\"subscription\":\"projects/p/subscriptions/s\"", "\"Message\":{}", "\"other\":{\"a\":1,\"a\":2}", "\"list\":[1,2,{\"message\":3}]", "\"mess\\u0061ge\":{}"];

    public static TheoryData<string> Table() =>
    [
        """{"message":{"data":"eyJvcmRlcklkIjoibzEifQ==","attributes":{"origin":"checkout","topic":"override"},"messageId":"m"},"subscription":"s"}""",
        """{"message":{}}""",
        """{"message":{"data":null}}""",
        """{"message":{"data":42,"attributes":{"n":1,"s":"x","o":{},"z":null}}}""",
        """{"message":{"data":{"a":1}}}""",
        """{"message":{"attributes":{"a":"1","a":"2"}}}""",
        """{"message":{"data":"QUJD","data":"QUJD"}}""",
        """{"message":{"data":"QUJD"},"message":{"data":"QUJD"}}""",
        """{"message":{"data":"QUJD"},"x":1,"x":2}""",
        """{"message":{"data":"QUJD","attributes":{"k":{"a":1,"a":2}}}}""",
        """{"mess\u0061ge":{"data":"QUJD"}}""",
        """{"message":{"d\u0061ta":"QUJD","attributes":{"\u0061":"b"}}}""",
        """{"message":{"data":"QUJD","attributes":{"a":"caf\u00e9","b":"\ud800"}}}""",
        """{"message":{"data":"QUJD","attributes":{"a":"\ud83d\ude00\n\t\"\\\/"}}}""",
        """{"message":{"data":"QUJD QQ=="}}""",
        """{"message":{"data":"QUJD\r\nQQ=="}}""",
        """{"message":{"data":"%%%"}}""",
        """{"message":{"data":"QR=="}}""",
        """{"message":{"data":"QUJDQQ"}}""",
        """{"message":{"data":""}}""",
        "\uFEFF{\"message\":{\"data\":\"QUJD\"}}",
        """{"message":{"data":"QUJD"}} """,
        """{"message":{"data":"QUJD"}}x""",
        """{"message":{"data":"QUJD"}}{}""",
        """{"message":{"data":"QUJD"}""",
        """{"message":{"data":"QUJD",}}""",
        """{"message":{"data":"QUJD"} /* c */}""",
        """{"message":"text"}""",
        """{"message":null}""",
        """{"data":"QUJD"}""",
        """[{"message":{}}]""",
        "\"text\"",
        "not json",
        "",
        """{"message":{"data":"QUJD","attributes":{"a":"x<BAD>"}}}""",
        """{"message":{"data":"QUJD","attributes":{"a<BAD>":"x"}}}""",
        """{"message":{"data":"QUJD","a<BAD>":1}}""",
        """{"message":{"data":"QU<BAD>"}}""",
        """{"m<BAD>":1,"message":{"data":"QUJD"}}""",
        """{"other":"<BAD>","message":{"data":"QUJD","messageId":"<BAD>","attributes":{"o":{"p":"<BAD>"}}}}""",
        """{"message":{"data":"QUJD","attributes":{"a":"1"},"attributes":{"b":"2"}}}""",
        """{"message":{"data":"QUJD","attributes":[{"a":"1"}]}}""",
    ];

    [Theory]
    [MemberData(nameof(Table))]
    public void Unwrap_AnswersAsTheTree(string data) => AssertSameAnswer(Bytes(data));

    [Fact]
    public void Unwrap_PlainMessage_IsReadWithoutTheTree()
    {
        var envelope = Event(Bytes("""{"message":{"data":"QUJD","attributes":{"origin":"checkout"},"messageId":"m"},"subscription":"s"}"""));

        Assert.True(GoogleEventData.TryUnwrapPlainPubSub(envelope, out var unwrapped));
        Assert.Equal("ABC"u8.ToArray(), unwrapped.Data.ToArray());
        Assert.Equal("checkout", unwrapped.Extensions["origin"]);
    }

    [Fact]
    public void Unwrap_GeneratedMessages_AnswerAsTheTree()
    {
        var plainName = Gen.Char['a', 'z'].Array[1, 6].Select(chars => new string(chars));
        var attributeName = Gen.Frequency((4, plainName), (1, Gen.OneOf(AttributeNames)));
        var attributeValue = Gen.Frequency((4, plainName.Select(text => $"\"{text}\"")), (1, Gen.OneOf(AttributeValues)));
        var attributes = Gen.Select(attributeName, attributeValue, (name, value) => $"\"{name}\":{value}").Array[0, 4]
            .Select(members => "{" + string.Join(",", members) + "}");
        var data = Gen.Frequency(
            (3, Gen.Byte.Array[0, 40].Select(bytes => $"\"{Convert.ToBase64String(bytes)}\"")),
            (2, Gen.OneOf(DataValues)));
        var member = (string name, Gen<string> value) => Gen.Frequency((3, value.Select(v => $"\"{name}\":{v}")), (1, Gen.Const("")));
        var message = Gen.Select(
            member("data", data),
            member("attributes", Gen.Frequency((5, attributes), (1, Gen.OneOf(AttributeValues)))),
            Gen.OneOf(MessageExtras).Array[0, 2],
            Gen.Frequency((6, Gen.Const("")), (1, Gen.OneOf("\"data\":\"QUJD\"", "\"attributes\":{}", "\"messageId\":\"m-2\""))),
            (dataMember, attributesMember, extras, repeated) =>
                "{" + string.Join(",", new[] { extras.FirstOrDefault() ?? "", dataMember, attributesMember, extras.LastOrDefault() ?? "", repeated }.Where(part => part.Length > 0)) + "}");
        var document = Gen.Select(
            Gen.OneOf(TopExtras).Array[0, 2],
            Gen.Frequency((8, message.Select(value => "\"message\":" + value)), (1, Gen.Const("")), (1, message.Select(value => $"\"message\":{value},\"message\":{value}"))),
            (extras, messageMember) => "{" + string.Join(",", extras.Prepend(messageMember).Where(part => part.Length > 0)) + "}");
        var mutated = Gen.Select(document, Gen.Int, Gen.Int, Gen.Int[0, 4], (json, location, kind, mutate) => mutate == 0 ? Mutated(json, location, kind) : json);
        var framed = Gen.Select(mutated, Gen.Frequency((12, Gen.Const("")), (1, Gen.OneOf("\uFEFF", "[", " "))), Gen.Frequency((12, Gen.Const("")), (1, Gen.OneOf(" \n", "x", "}", ",{}", "]"))), (json, before, after) => before + json + after);

        var plain = 0;
        var all = 0;
        framed.Sample(json =>
        {
            var bytes = Bytes(json);
            AssertSameAnswer(bytes);
            all++;
            plain += GoogleEventData.TryUnwrapPlainPubSub(Event(bytes), out _) ? 1 : 0;
        }, iter: 20000, threads: 1);

        Assert.InRange(plain, all / 10, all); // the comparison must exercise the plain reading, not only the tree
    }

    /// <summary>
    /// One value replaced or removed, and the whole document rewritten as <see cref="JsonNode"/> writes it (which escapes
    /// non-ASCII names and values); a document JsonNode cannot rewrite (a duplicate, text that is not text) stays as it is.
    /// </summary>
    private static string Mutated(string json, int location, int kind)
    {
        try
        {
            return JsonMutations.Mutate(json, location, kind);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return json;
        }
    }

    private static void AssertSameAnswer(byte[] data)
    {
        var envelope = Event(data);
        Assert.Equal(Answer(() => GoogleEventData.UnwrapByTree(envelope)), Answer(() => GoogleEventData.Unwrap(envelope)));
    }

    /// <summary>Everything a caller can observe of an unwrapping, as text: the exception, or the envelope.</summary>
    private static string Answer(Func<FunctionEventEnvelope> unwrap)
    {
        FunctionEventEnvelope envelope;
        try
        {
            envelope = unwrap();
        }
        catch (Exception exception)
        {
            return $"{exception.GetType().FullName}: {exception.Message} ({exception.InnerException?.GetType().FullName})";
        }

        var comparer = envelope.Extensions is Dictionary<string, string> dictionary ? dictionary.Comparer.ToString() : envelope.Extensions.GetType().FullName;
        return string.Join("\n",
            Convert.ToHexString(envelope.Data.Span), envelope.DataContentType ?? "(null)", envelope.SpecVersion, envelope.Id, envelope.Source,
            envelope.Type, envelope.Subject ?? "(null)", envelope.Time?.ToString("O") ?? "(null)", envelope.DataSchema ?? "(null)",
            envelope.BoundData?.ToString() ?? "(null)", comparer,
            string.Join(";", envelope.Extensions.Select(pair => $"{pair.Key}={pair.Value}")),
            string.Join(";", envelope.Extensions.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}")));
    }

    private static FunctionEventEnvelope Event(byte[] data) => new()
    {
        Id = "e-1",
        Source = "//pubsub.googleapis.com/projects/p/topics/t",
        Type = LegacyEventConverter.PubSubMessagePublished,
        Subject = "s-1",
        Time = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
        DataContentType = "application/json",
        Data = data,
        Extensions = new Dictionary<string, string>(StringComparer.Ordinal) { ["topic"] = "t", ["origin"] = "envelope" },
    };

    /// <summary>The UTF-8 of a test input, with each <see cref="BadUtf8"/> as bytes that are not UTF-8.</summary>
    private static byte[] Bytes(string text)
    {
        var parts = text.Split(BadUtf8);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            bytes.AddRange([0xC3, 0x28, 0xFF]);
            bytes.AddRange(Encoding.UTF8.GetBytes(part));
        }

        return [.. bytes];
    }
}
