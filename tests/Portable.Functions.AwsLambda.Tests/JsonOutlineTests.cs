using System.Text;
using System.Text.Json;
using CsCheck;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class JsonOutlineTests
{
    // Pieces of a string's text as JSON writes it: plain bytes, escapes (a quote, a backslash, a control character, a
    // quote spelled as its code), and a character of more than one byte.
    private static readonly string[] Pieces = ["a", "bc", "\\\"", "\\\\", "\\n", "\\u0022", "\\/", "é", " "];

    [Theory]
    [InlineData("")]
    [InlineData("\\\"")]
    [InlineData("\\\\")]
    [InlineData("\\\\\\\"")]
    [InlineData("\\\\\\\\")]
    [InlineData("{\\\"id\\\":\\\"a\\\\\\\\b\\\"}")]
    public void Members_StringWithEscapes_AtEveryOffset_EndsAtItsClosingQuote(string text)
    {
        // The closing quote, and each escape before it, falls at every place of a 64-byte chunk, and of the one after.
        for (var padding = 0; padding < 140; padding++)
        {
            AssertReadsAsThreeMembers(new string('x', padding), text);
        }
    }

    [Fact]
    public void Members_EscapedTexts_EndWhereTheirClosingQuoteIs()
    {
        var texts = Gen.Select(Gen.String[Gen.Char["x"], 0, 33], Gen.OneOf(Pieces).Array[0, 60], (padding, pieces) => (padding, string.Concat(pieces)));
        texts.Sample(sample => AssertReadsAsThreeMembers(sample.padding, sample.Item2), iter: 20_000);
    }

    [Fact]
    public void Escaped_ChunksOfBackslashes_AreWhatTakingThemInOrderEscapes()
    {
        // Text of backslashes and other bytes, in runs of every length, cut into 64-byte chunks: the chunk's escaped
        // bytes other than backslashes, with the carry from chunk to chunk, are the ones a backslash escapes reading
        // the text byte by byte.
        var texts = Gen.Select(Gen.Bool, Gen.Int[1, 70], (backslash, length) => (backslash, length)).Array[1, 40];
        texts.Sample(runs =>
        {
            var isBackslash = runs.SelectMany(run => Enumerable.Repeat(run.backslash, run.length)).ToArray();
            var expected = new bool[isBackslash.Length];
            for (var k = 0; k < isBackslash.Length; k++)
            {
                if (isBackslash[k] && k + 1 < isBackslash.Length && !expected[k])
                {
                    expected[k + 1] = true;
                }
            }

            var carry = 0UL;
            for (var chunk = 0; chunk + 64 <= isBackslash.Length; chunk += 64)
            {
                var backslashes = 0UL;
                for (var bit = 0; bit < 64; bit++)
                {
                    backslashes |= isBackslash[chunk + bit] ? 1UL << bit : 0;
                }

                var escaped = JsonOutline.Escaped(backslashes, ref carry);
                for (var bit = 0; bit < 64; bit++)
                {
                    // A backslash a backslash escapes is text, but only a quote's being escaped matters here.
                    if (!isBackslash[chunk + bit])
                    {
                        Assert.True(expected[chunk + bit] == ((escaped >> bit & 1) != 0), $"byte {chunk + bit}");
                    }
                }
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Members_UnclosedString_Fails()
    {
        // Cut anywhere in the text, or with an escape that hides the last quote, the value has no end.
        var texts = Gen.Select(
            Gen.String[Gen.Char["x"], 0, 33],
            Gen.OneOf(Pieces).Array[0, 60],
            Gen.OneOf("", "\\", "\\\\\\", "\\\""),
            (padding, pieces, end) => (padding, string.Concat(pieces) + end));
        texts.Sample(sample =>
        {
            var json = Encoding.UTF8.GetBytes($"{{\"p\":\"{sample.padding}\",\"a\":\"{sample.Item2}");
            Assert.True(JsonOutline.TryOpenObject(json, out var members));
            Assert.True(members.MoveNext(out _, out _));
            Assert.False(members.MoveNext(out _, out _));
            Assert.True(members.Failed);
        }, iter: 20_000);
    }

    [Fact]
    public void Members_NestedValues_EndWhereTheReaderSaysTheyEnd()
    {
        // Objects and arrays nested up to five deep, with strings that hold brackets, quotes and backslashes, each member
        // after padding that moves its marks to every place of a sixteen-byte block; System.Text.Json says where each
        // top-level value ends.
        var documents = Gen.Select(Gen.String[Gen.Char[" x"], 0, 33], NestedValue(5).Array[1, 6], (padding, values) => (padding, values));
        documents.Sample(sample =>
        {
            var json = new StringBuilder($"{{\"p\":\"{sample.padding}\"");
            for (var k = 0; k < sample.values.Length; k++)
            {
                json.Append(",\"m").Append(k).Append("\":").Append(sample.values[k]);
            }

            var bytes = Encoding.UTF8.GetBytes(json.Append('}').ToString());
            var expected = TopLevelValues(bytes);
            Assert.True(JsonOutline.TryOpenObject(bytes, out var members));
            foreach (var (name, value) in expected)
            {
                Assert.True(members.MoveNext(out var outlineName, out var outlineValue));
                Assert.Equal(name, Encoding.UTF8.GetString(outlineName));
                Assert.Equal(value, Encoding.UTF8.GetString(outlineValue));
            }

            Assert.False(members.MoveNext(out _, out _));
            Assert.False(members.Failed);
        }, iter: 20_000);
    }

    [Theory]
    [InlineData("{\"a\":[1,2]")] // the object is not closed
    [InlineData("{\"a\":[1,\"]}\"")] // a bracket in a string closes nothing
    [InlineData("{\"a\":[1,\"\\\"]}\"")] // nor after an escaped quote
    [InlineData("{\"a\":[1,/* c */2]}")] // a comment
    public void Members_ContainerWithoutItsEnd_Fails(string value)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"p\":\"{new string('x', 20)}\",\"v\":{value}");
        Assert.True(JsonOutline.TryOpenObject(json, out var members));
        Assert.True(members.MoveNext(out _, out _));
        Assert.False(members.MoveNext(out _, out _));
        Assert.True(members.Failed);
    }

    // JSON text of a value: a number, a literal, a string of escapes and brackets, or an object or array of those.
    private static Gen<string> NestedValue(int depth)
    {
        var text = Gen.OneOf([.. Pieces, "{", "}", "[", "]", "x{\\\"}", ",:"]).Array[0, 12].Select(parts => $"\"{string.Concat(parts)}\"");
        var scalar = Gen.OneOf(Gen.OneOf<string>("1", "-2.5e3", "true", "false", "null"), text);
        if (depth == 0)
        {
            return scalar;
        }

        var inner = NestedValue(depth - 1);
        var array = inner.Array[0, 4].Select(items => $"[{string.Join(", ", items)}]");
        var members = Gen.Select(text, inner, (name, value) => $"{name}:{value}").Array[0, 4].Select(items => $"{{ {string.Join(",", items)} }}");
        return Gen.Frequency((3, scalar), (1, array), (1, members));
    }

    private static List<(string Name, string Value)> TopLevelValues(byte[] json)
    {
        var values = new List<(string, string)>();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            values.Add((name, Encoding.UTF8.GetString(json, start, (int)reader.BytesConsumed - start)));
        }

        return values;
    }

    private static void AssertReadsAsThreeMembers(string padding, string text)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"p\":\"{padding}\",\"a\":\"{text}\",\"b\":1}}");
        Assert.True(JsonOutline.TryOpenObject(json, out var members));
        Assert.True(members.MoveNext(out var name, out var value));
        Assert.Equal("p", Encoding.UTF8.GetString(name));
        Assert.Equal($"\"{padding}\"", Encoding.UTF8.GetString(value));
        Assert.True(members.MoveNext(out name, out value));
        Assert.Equal("a", Encoding.UTF8.GetString(name));
        Assert.Equal($"\"{text}\"", Encoding.UTF8.GetString(value));
        Assert.True(members.MoveNext(out name, out value));
        Assert.Equal("b", Encoding.UTF8.GetString(name));
        Assert.Equal("1", Encoding.UTF8.GetString(value));
        Assert.False(members.MoveNext(out _, out _));
        Assert.False(members.Failed);
    }
}
