using CloudNative.CloudEvents;
using CsCheck;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// <see cref="CloudEventText"/>: what it accepts, the CloudEvents SDK (and <see cref="System.Net.Mime.ContentType"/>)
/// accepts too and reads to the same value; the rest it leaves to them.
/// </summary>
public sealed class CloudEventTextTests
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("application/cloudevents+json")]
    [InlineData("application/vnd.api+json")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/x-www-form_urlencoded; Charset=iso-8859-1")]
    public void IsPlainMediaType_TypeSubtypeAndCharset_TrueAndContentTypeAgrees(string mediaType)
    {
        Assert.True(CloudEventText.IsPlainMediaType(mediaType));
        Assert.Equal(mediaType.Split(';')[0], new System.Net.Mime.ContentType(mediaType).MediaType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("application")]
    [InlineData("/json")]
    [InlineData("application/")]
    [InlineData("application/json/x")]
    [InlineData(" application/json")]
    [InlineData("application/json ")]
    [InlineData("application/json;")]
    [InlineData("application/json; ")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json;  charset=utf-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; format=flowed")]
    [InlineData("application/json; charset=utf-8; q=1")]
    [InlineData("application/json; charset=utf-8 ")]
    [InlineData("application/js(on)")]
    [InlineData("application/jsön")]
    [InlineData("application/json\r\n")]
    public void IsPlainMediaType_AnythingMore_False(string mediaType)
    {
        Assert.False(CloudEventText.IsPlainMediaType(mediaType));
    }

    [Theory]
    [InlineData("2026-01-01T12:00:00Z")]
    [InlineData("2018-04-05T17:31:00.123+02:00")]
    [InlineData("2018-04-05T17:31:00.1234567-14:00")]
    [InlineData("2018-04-05T17:31:00.5-09:30")]
    [InlineData("2024-02-29T23:59:59.9Z")]
    [InlineData("2018-04-05T03:56:24-00:00")]
    [InlineData("2018-04-05T03:56:24+14:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00-01:00")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    public void TryParsePlainTimestamp_UsualForm_ReadsWhatTheSdkReads(string text)
    {
        Assert.True(CloudEventText.TryParsePlainTimestamp(text, out var value));

        var expected = (DateTimeOffset)CloudEventsSpecVersion.V1_0.TimeAttribute.Parse(text);
        Assert.Equal(expected.Ticks, value.Ticks);
        Assert.Equal(expected.Offset, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-01-01T12:00:00")]
    [InlineData("2026-01-01t12:00:00Z")]
    [InlineData("2026-01-01 12:00:00Z")]
    [InlineData("2026-01-01T12:00:00z")]
    [InlineData("2026-01-01T12:00:00.Z")]
    [InlineData("2026-01-01T12:00:00.12345678Z")]
    [InlineData("2026-01-01T12:00:00 Z")]
    [InlineData("2026-01-01T12:00:00+0100")]
    [InlineData("2026-01-01T12:00:00+01:00Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-00-01T00:00:00Z")]
    [InlineData("2026-01-00T00:00:00Z")]
    [InlineData("2026-01-01T24:00:00Z")]
    [InlineData("2026-01-01T12:60:00Z")]
    [InlineData("2026-01-01T12:00:60Z")]
    [InlineData("2026-01-01T12:00:00+14:01")]
    [InlineData("2026-01-01T12:00:00+01:60")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("２０２６-01-01T12:00:00Z")]
    [InlineData("+026-01-01T12:00:00Z")]
    public void TryParsePlainTimestamp_AnythingElse_False(string text)
    {
        Assert.False(CloudEventText.TryParsePlainTimestamp(text, out _));
    }

    [Fact]
    public void TryParsePlainTimestamp_AnyText_TrueOnlyForWhatTheSdkReadsTheSame()
    {
        var digits = Gen.Char['0', '9'];
        var usual = Gen.Select(Gen.Int[1, 9999], Gen.Int[0, 13], Gen.Int[0, 32], Gen.Int[0, 24], Gen.Int[0, 60], Gen.Int[0, 60])
            .Select((y, mo, d, h, mi, s) => $"{y:D4}-{mo:D2}-{d:D2}T{h:D2}:{mi:D2}:{s:D2}");
        var fraction = Gen.OneOf(Gen.Const(string.Empty), digits.Array[0, 9].Select(f => "." + new string(f)));
        var offset = Gen.OneOf(Gen.Const("Z"), Gen.Select(Gen.Char["+-"], Gen.Int[0, 15], Gen.Int[0, 61]).Select((sign, h, m) => $"{sign}{h:D2}:{m:D2}"));
        var text = Gen.OneOf(
            Gen.Select(usual, fraction, offset).Select((u, f, o) => u + f + o),
            Gen.Char["0123456789-T:.Z+ "].Array[18, 32].Select(chars => new string(chars)));

        text.Sample(candidate =>
        {
            if (CloudEventText.TryParsePlainTimestamp(candidate, out var value))
            {
                var expected = (DateTimeOffset)CloudEventsSpecVersion.V1_0.TimeAttribute.Parse(candidate);
                Assert.Equal(expected.Ticks, value.Ticks);
                Assert.Equal(expected.Offset, value.Offset);
            }
        }, iter: 20000);
    }
}
