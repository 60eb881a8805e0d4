using System.Text;
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
        // The closing quote, and each escape before it, falls at every place of a sixteen-byte block.
        for (var padding = 0; padding < 40; padding++)
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
