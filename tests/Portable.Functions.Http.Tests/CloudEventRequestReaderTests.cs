using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// CloudEvents over HTTP → <see cref="FunctionEventEnvelope"/>, for requests encoded by the CloudEvents SDK itself and
/// for requests written by hand from the CloudEvents HTTP binding specification.
/// </summary>
public sealed class CloudEventRequestReaderTests
{
    private static readonly JsonEventFormatter Formatter = new();

    private static CloudEvent SampleEvent()
    {
        var cloudEvent = new CloudEvent
        {
            Id = "A234-1234-1234",
            Source = new Uri("https://github.com/cloudevents/spec/pull", UriKind.Absolute),
            Type = "com.github.pull_request.opened",
            Subject = "123",
            Time = new DateTimeOffset(2018, 4, 5, 17, 31, 0, TimeSpan.Zero),
            DataSchema = new Uri("https://example.com/schema.json"),
            DataContentType = "application/json",
            Data = new Dictionary<string, object> { ["orderId"] = "o-1", ["amount"] = 12.5, ["note"] = "é ü 100%" },
        };
        cloudEvent["comexampleextension1"] = "value with spaces, commas and %";
        cloudEvent["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        return cloudEvent;
    }

    /// <summary>Turns an SDK-encoded HttpContent into a server-side request, as Kestrel would present it.</summary>
    private static async Task<(HttpRequest Request, byte[] Body)> ToServerRequestAsync(HttpContent content)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, values) in content.Headers)
        {
            context.Request.Headers[name] = values.ToArray();
        }

        var body = await content.ReadAsByteArrayAsync();
        context.Request.Method = "POST";
        context.Request.ContentType = content.Headers.ContentType?.ToString();
        return (context.Request, body);
    }

    private static string Describe(FunctionEventEnvelope envelope)
    {
        var extensions = new JsonObject();
        foreach (var (name, value) in envelope.Extensions.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            extensions[name] = value;
        }

        var description = new JsonObject
        {
            ["specversion"] = envelope.SpecVersion,
            ["id"] = envelope.Id,
            ["source"] = envelope.Source,
            ["type"] = envelope.Type,
            ["subject"] = envelope.Subject,
            ["time"] = envelope.Time?.ToString("O"),
            ["datacontenttype"] = envelope.DataContentType,
            ["dataschema"] = envelope.DataSchema,
            ["extensions"] = extensions,
            ["data"] = Encoding.UTF8.GetString(envelope.Data.Span),
        };
        return description.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    [Fact]
    public async Task ReadBinary_SdkEncodedEvent_MapsEveryAttribute()
    {
        var (request, body) = await ToServerRequestAsync(SampleEvent().ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal(CloudEventRequestMode.Binary, CloudEventRequestReader.GetMode(request));
        Snapshot.Match(Describe(CloudEventRequestReader.ReadBinary(request, body)));
    }

    [Fact]
    public async Task ReadStructured_SdkEncodedEvent_MapsEveryAttribute()
    {
        var (request, body) = await ToServerRequestAsync(SampleEvent().ToHttpContent(ContentMode.Structured, Formatter));

        Assert.Equal(CloudEventRequestMode.Structured, CloudEventRequestReader.GetMode(request));
        Snapshot.Match(Describe(CloudEventRequestReader.ReadStructured(request.ContentType!, body)));
    }

    [Fact]
    public void ReadStructured_Base64Data_IsDecodedToBytes()
    {
        var body = """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/octet-stream","data_base64":"AAEC/w=="}"""u8.ToArray();

        var envelope = CloudEventRequestReader.ReadStructured("application/cloudevents+json", body);

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, envelope.Data.ToArray());
        Assert.Equal("application/octet-stream", envelope.DataContentType);
    }

    [Fact]
    public void ReadBinary_HandWrittenPerTheHttpBinding_DecodesPercentEncodedValues()
    {
        // CloudEvents HTTP protocol binding 1.0, section 3.1.3.2: header values are percent-encoded where needed.
        var context = new DefaultHttpContext();
        var headers = context.Request.Headers;
        headers["ce-specversion"] = "1.0";
        headers["ce-type"] = "com.example.someevent";
        headers["ce-time"] = "2018-04-05T03:56:24Z";
        headers["ce-id"] = "1234-1234-1234";
        headers["ce-source"] = "/mycontext/subcontext";
        headers["ce-subject"] = "caf%C3%A9 %22quoted%22";
        headers["ce-myextension"] = "100%25";
        context.Request.ContentType = "application/json; charset=utf-8";

        var envelope = CloudEventRequestReader.ReadBinary(context.Request, """{"orderId":"o-1","amount":1}"""u8.ToArray());

        Assert.Equal("café \"quoted\"", envelope.Subject);
        Assert.Equal("100%", envelope.Extensions["myextension"]);
        Assert.Equal(new DateTimeOffset(2018, 4, 5, 3, 56, 24, TimeSpan.Zero), envelope.Time);
        Assert.Equal("application/json; charset=utf-8", envelope.DataContentType);
    }

    [Fact]
    public async Task ReadBatch_SdkEncodedBatch_ReadsEveryEvent()
    {
        var second = SampleEvent();
        second.Id = "second";
        var (request, body) = await ToServerRequestAsync(new[] { SampleEvent(), second }.ToHttpContent(Formatter));

        Assert.Equal(CloudEventRequestMode.Batch, CloudEventRequestReader.GetMode(request));
        var envelopes = CloudEventRequestReader.ReadBatch(request.ContentType!, body);

        Assert.Equal(["A234-1234-1234", "second"], envelopes.Select(e => e.Id));
    }

    [Theory]
    [InlineData("ce-id", "missing-id")]
    [InlineData("ce-source", "missing-source")]
    [InlineData("ce-type", "missing-type")]
    public void ReadBinary_MissingRequiredAttribute_Throws(string omitted, string name)
    {
        var context = new DefaultHttpContext();
        foreach (var (header, value) in new[] { ("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/s"), ("ce-type", "t") })
        {
            if (header != omitted)
            {
                context.Request.Headers[header] = value;
            }
        }

        var exception = Assert.Throws<InvalidCloudEventException>(() => CloudEventRequestReader.ReadBinary(context.Request, Array.Empty<byte>()));

        Snapshot.Match(exception.Message, SnapshotNameExtension.Create(name));
    }

    [Theory]
    [InlineData("ce-specversion", "0.1")]
    [InlineData("ce-time", "yesterday")]
    [InlineData("ce-id", "%zz")]
    [InlineData("ce-specversion", "1.%")]
    [InlineData("ce-bad_name", "v")]
    [InlineData("ce-source", "http://[::1")]
    public void ReadBinary_InvalidAttributeValue_Throws(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["ce-specversion"] = "1.0";
        context.Request.Headers["ce-id"] = "1";
        context.Request.Headers["ce-source"] = "/s";
        context.Request.Headers["ce-type"] = "t";
        context.Request.Headers[header] = value;

        Assert.Throws<InvalidCloudEventException>(() => CloudEventRequestReader.ReadBinary(context.Request, Array.Empty<byte>()));
    }

    [Theory]
    [InlineData("application")]
    [InlineData("application/json; charset")]
    [InlineData("/json")]
    public void ReadBinary_ContentTypeThatIsNoMediaType_ThrowsInvalidCloudEvent(string contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["ce-specversion"] = "1.0";
        context.Request.Headers["ce-id"] = "1";
        context.Request.Headers["ce-source"] = "/s";
        context.Request.Headers["ce-type"] = "t";
        context.Request.ContentType = contentType;

        var exception = Assert.Throws<InvalidCloudEventException>(() => CloudEventRequestReader.ReadBinary(context.Request, "{}"u8.ToArray()));

        Assert.Contains("not a valid media type", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "malformed")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s"}""", "missing-type")]
    [InlineData("""{"specversion":"9.9","id":"1","source":"/s","type":"t"}""", "bad-version")]
    [InlineData("""[1,2]""", "not-an-object")]
    public void ReadStructured_Invalid_ThrowsWithASafeMessage(string body, string name)
    {
        var exception = Assert.Throws<InvalidCloudEventException>(() => CloudEventRequestReader.ReadStructured("application/cloudevents+json", Encoding.UTF8.GetBytes(body)));

        Snapshot.Match(exception.Message, SnapshotNameExtension.Create(name));
    }

    [Theory]
    [InlineData("application/json", null, "None")]
    [InlineData(null, null, "None")]
    [InlineData("application/cloudevents+json", null, "Structured")]
    [InlineData("application/cloudevents+json; charset=utf-8", "1.0", "Structured")]
    [InlineData("application/cloudevents-batch+json", null, "Batch")]
    [InlineData("application/json", "1.0", "Binary")]
    public void GetMode_FollowsTheHttpBinding(string? contentType, string? specVersionHeader, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        if (specVersionHeader is not null)
        {
            context.Request.Headers["ce-specversion"] = specVersionHeader;
        }

        Assert.Equal(Enum.Parse<CloudEventRequestMode>(expected), CloudEventRequestReader.GetMode(context.Request));
    }

    /// <summary>What reading a binary-mode request gives: the event as described, or the exception's type and message.</summary>
    private static string Outcome(Func<FunctionEventEnvelope> read)
    {
        try
        {
            return Describe(read());
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message;
        }
    }

    [Theory]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json; charset=utf-8", "ce-specversion:1.0|ce-id:1234567890|ce-source://pubsub.googleapis.com/projects/p/topics/orders|ce-type:google.cloud.pubsub.topic.v1.messagePublished|ce-time:2026-01-01T12:00:00Z")]
    [InlineData("application/json;charset=UTF-8", "CE-SPECVERSION:1.0|CE-ID:1|Ce-Source:https://example.com/s|CE-TYPE:t|ce-subject:sub|ce-dataschema:https://example.com/schema.json|ce-time:2018-04-05T17:31:00.123+02:00")]
    [InlineData(null, "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("text/plain; format=flowed", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json; charset=\"utf-8\"", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json; charset=utf-8; q=1", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json;", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-myextension:100%25|ce-traceparent:00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-datacontenttype:text/plain")]
    [InlineData(null, "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-datacontenttype:text/plain")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:%22quoted%22 caf%C3%A9|ce-source:/s|ce-type:\"t\"")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:%zz|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:http://[::1|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-time:yesterday")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-dataschema:/relative")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-subject:a%01b")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-bad_name:v")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-:v")]
    [InlineData("application/json", "ce-specversion:1.0|ce-source:/s")]
    [InlineData("application/json", "ce-specversion:1.0|ce-time:yesterday|ce-myextension:v")]
    [InlineData("application/json", "ce-specversion:1.0|ce-myextension:v|ce-time:yesterday")]
    [InlineData("application/json", "ce-specversion:0.3|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.%|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:%31.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.0,1.0|ce-id:1|ce-source:/s|ce-type:t")]
    [InlineData("application/json", "ce-specversion:1.0|ce-id:1|ce-source:/s|ce-type:t|ce-specversion2:x|x-other:y")]
    public void ReadBinary_AnyRequest_ReadsAsTheSdkDoes(string? contentType, string headers)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        foreach (var header in headers.Split('|'))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (header[..colon], header[(colon + 1)..]);
            context.Request.Headers[name] = value.Split(',');
        }

        byte[] body = """{"orderId":"o-1"}"""u8.ToArray();

        Assert.Equal(
            Outcome(() => CloudEventRequestReader.ReadBinaryWithSdk(context.Request, body)),
            Outcome(() => CloudEventRequestReader.ReadBinary(context.Request, body)));
    }
}
