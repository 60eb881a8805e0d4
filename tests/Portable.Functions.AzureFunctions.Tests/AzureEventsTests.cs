using System.Text.Json;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>Trigger metadata as text: the plain JSON strings read between their quotes agree with the JSON reader.</summary>
public sealed class AzureEventsTests
{
    [Theory]
    [InlineData("\"2026-05-01T12:00:00+00:00\"", "2026-05-01T12:00:00+00:00")]
    [InlineData("\"a b/c:{d}[e]~\"", "a b/c:{d}[e]~")]
    [InlineData("\"caf\\u00e9\"", "café")]
    [InlineData("\"line\\nbreak\"", "line\nbreak")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("\"café\"", "café")]
    public void Text_QuotedJsonString_IsItsValue(string raw, string expected)
    {
        Assert.Equal(expected, AzureEvents.Text(Data(raw), "Key"));
        Assert.Equal(JsonSerializer.Deserialize(raw, AzureJsonContext.Default.String), AzureEvents.Text(Data(raw), "Key"));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("")]
    public void Text_Empty_IsNull(string raw) => Assert.Null(AzureEvents.Text(Data(raw), "Key"));

    [Theory]
    [InlineData("\"tab\there\"")]
    [InlineData("\"a\"b\"")]
    [InlineData("\"bad \\x escape\"")]
    public void Text_QuotedButNotAJsonString_IsKeptAsItCame(string raw) => Assert.Equal(raw, AzureEvents.Text(Data(raw), "Key"));

    [Fact]
    public void Text_Unquoted_IsAsItCame() => Assert.Equal("2", AzureEvents.Text(Data("2"), "Key"));

    [Fact]
    public void For_SameName_IsTheSameSource()
    {
        var cache = new SourceCache("/queues/");

        var first = cache.For("orders");
        var second = cache.For("orders");

        Assert.Equal("/queues/orders", first);
        Assert.Same(first, second);
        Assert.Equal("/queues/other", cache.For("other"));
    }

    private static Dictionary<string, object?> Data(string value) => new() { ["Key"] = value };
}
