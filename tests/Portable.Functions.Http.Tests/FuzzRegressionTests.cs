using System.Text;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// Inputs the short fuzz run (tests/Portable.Functions.Fuzz.Tests) found: an attribute whose text is not valid UTF-8,
/// or a lone surrogate escape, made the CloudEvents SDK's decoder throw <see cref="InvalidOperationException"/> through
/// the reader instead of the documented <see cref="InvalidCloudEventException"/> (400).
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("""{"specversion":"1.0","id":"~","source":"//tests","type":"t"}""")]
    [InlineData("""{"specversion":"1.0","id":"\ud800","source":"//tests","type":"t"}""")]
    public void ReadStructured_AttributeNotValidText_ThrowsInvalidCloudEvent(string template)
    {
        var exception = Assert.Throws<InvalidCloudEventException>(() => CloudEventRequestReader.ReadStructured("application/cloudevents+json", InvalidUtf8(template)));
        Assert.DoesNotContain("System.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBatch_AttributeNotValidUtf8_ThrowsInvalidCloudEvent()
    {
        Assert.Throws<InvalidCloudEventException>(() => CloudEventRequestReader.ReadBatch("application/cloudevents-batch+json", InvalidUtf8("""[{"specversion":"1.0","id":"~","source":"//tests","type":"t"}]""")));
    }

    private static byte[] InvalidUtf8(string template) =>
        [.. Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'~' ? (byte)0xFF : b)];
}
