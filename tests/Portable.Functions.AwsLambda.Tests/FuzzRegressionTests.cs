using System.Text;
using System.Text.Json;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// Inputs the short fuzz run (tests/Portable.Functions.Fuzz.Tests) found: a string that is not valid UTF-8 made the
/// detector and the stream mappers throw <see cref="InvalidOperationException"/> (System.Text.Json checks a string's
/// text only when it is read) instead of the documented <see cref="JsonException"/> (<c>Function.InvalidEvent</c>).
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs~"}]}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs\ud800"}]}""")]
    public void Detect_RecordSourceNotValidText_ThrowsJsonException(string template)
    {
        Assert.Throws<JsonException>(() => EventSourceDetector.Detect(InvalidUtf8(template), out _, out _));
    }

    [Fact]
    public void Read_DynamoDbRecordIdNotValidUtf8_ThrowsJsonException()
    {
        var payload = InvalidUtf8(Fixtures.Text("dynamodb.json").Replace("\"ddb-101\"", "\"ddb-~101\"", StringComparison.Ordinal));
        Assert.Equal(DetectedPayload.Supported, EventSourceDetector.Detect(payload, out var source, out _));

        Assert.Throws<JsonException>(() => EventMapper.Read(source, payload));
    }

    [Theory]
    [InlineData("http-api", """{"version":"2.0","cook\ud800ies":["a=1"],"rawPath":"/"}""")]
    [InlineData("http-api", """{"rawPath":"/","headers":{"a\udc00":"x"}}""")]
    [InlineData("rest", """{"httpMethod":"GET","multiValue\ud800Headers":{}}""")]
    [InlineData("sqs", """{"Rec\ud800ords":[]}""")]
    [InlineData("sqs", """{"Records":[{"messageId":"m","attri\udbffbutes":{}}]}""")]
    public void Read_MemberNameWithALoneSurrogateEscape_ThrowsJsonException(string reader, string payload)
    {
        // Found by the short fuzz run: comparing such a name, Utf8JsonReader throws InvalidOperationException.
        var bytes = Encoding.UTF8.GetBytes(payload);

        Assert.ThrowsAny<JsonException>(() =>
        {
            _ = reader switch
            {
                "http-api" => HttpEventMapper.ReadHttpApi(bytes).Request,
                "rest" => HttpEventMapper.ReadRest(bytes).Request,
                _ => (object)EventMapper.ReadSqs(bytes),
            };
        });
    }

    /// <summary>The template's UTF-8 with every '~' replaced by 0xFF, a byte no UTF-8 text has.</summary>
    private static byte[] InvalidUtf8(string template) =>
        [.. Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'~' ? (byte)0xFF : b)];
}
