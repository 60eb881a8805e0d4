using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// Properties of the AWS translations, checked with CsCheck over generated input (a failure is shrunk to the smallest
/// example and printed with its seed): an HTTP API event's request reaches the core unchanged and a response is written
/// back unchanged; no payload — random bytes, or AWS's samples with one value wrong — makes the detector or a mapper
/// throw anything but <see cref="JsonException"/>, the documented error the dispatcher reports as
/// <c>Function.InvalidEvent</c>.
/// </summary>
public sealed class PropertyTests
{
    private static readonly Gen<string> Token = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 12];
    private static readonly Gen<string> HeaderValue = Gen.String[Gen.Char[" !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~"], 0, 40];

    [Fact]
    public void HttpApiEvent_AnyRequest_ReachesTheCoreUnchanged()
    {
        var gen = Gen.Select(
            Gen.OneOf("GET", "POST", "PUT", "DELETE", "PATCH"),
            Token.Array[1, 4],
            Gen.Select(Token, HeaderValue).Array[0, 6],
            Gen.Select(Token, Token).Array[0, 4],
            Gen.Byte.Array[0, 300]);

        gen.Sample((method, segments, headers, query, body) =>
        {
            var path = "/" + string.Join('/', segments);
            var headerObject = new JsonObject();
            foreach (var (name, value) in headers)
            {
                headerObject["x-" + name] = value; // a name repeated in the generator is one header, the last value
            }

            var rawQuery = string.Join('&', query.Select(q => q.Item1 + "=" + q.Item2));
            var payload = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["version"] = "2.0",
                ["rawPath"] = path,
                ["rawQueryString"] = rawQuery,
                ["headers"] = headerObject,
                ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = method, ["path"] = path } },
                ["body"] = Convert.ToBase64String(body),
                ["isBase64Encoded"] = true,
            }.ToJsonString());

            Assert.Equal(DetectedPayload.Supported, EventSourceDetector.Detect(payload, out var source, out _));
            Assert.Equal(LambdaEventSource.HttpApi, source);
            var request = HttpEventMapper.ReadHttpApi(payload).Request!;
            Assert.Equal((method, path, rawQuery), (request.Method, request.Path, request.QueryString));
            foreach (var (name, value) in headerObject)
            {
                Assert.Equal((string)value!, request.GetHeader(name));
            }

            foreach (var group in query.GroupBy(q => q.Item1))
            {
                Assert.Equal(group.Select(q => q.Item2), request.Query[group.Key].ToArray());
            }

            Assert.Equal(body, request.Body.ToArray());
        }, iter: 300);
    }

    [Fact]
    public void HttpApiResponse_AnyResponse_IsWrittenBackUnchanged()
    {
        var gen = Gen.Select(Gen.Int[100, 599], Gen.Select(Token, HeaderValue).Array[0, 6], Gen.String, Gen.Bool);

        gen.Sample((status, headers, text, binary) =>
        {
            var response = binary ? FunctionHttpResponse.Bytes(Encoding.UTF8.GetBytes(text)) : FunctionHttpResponse.Text(text, status);
            response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                response.Headers["x-" + name] = value;
            }

            var written = JsonNode.Parse(HttpEventMapper.WriteHttpApi(response))!;

            Assert.Equal(status, (int)written["statusCode"]!);
            var body = (string?)written["body"] ?? string.Empty;
            Assert.Equal(Encoding.UTF8.GetBytes(text), written["isBase64Encoded"]?.GetValue<bool>() == true ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body));
            foreach (var (name, value) in headers)
            {
                Assert.Equal(response.Headers["x-" + name].ToString(), (string?)written["headers"]!["x-" + name]);
            }
        }, iter: 300);
    }

    [Fact]
    public void Detect_AnyBytes_ThrowsNothingButJsonException()
    {
        Gen.Byte.Array[0, 200].Sample(bytes => DetectAndMap(bytes), iter: 2000);
    }

    [Fact]
    public void DetectAndMap_AwsSamplesWithOneValueWrong_ThrowNothingButJsonException()
    {
        var samples = Directory.GetFiles(Fixtures.AwsVectorsDirectory(), "*.json").Concat(Directory.GetFiles(Fixtures.Path(string.Empty), "*.json"))
            .Select(File.ReadAllText).ToArray();

        Gen.Select(Gen.Int[0, samples.Length - 1], Gen.Int, Gen.Int).Sample((sample, location, kind) =>
            DetectAndMap(Encoding.UTF8.GetBytes(JsonMutations.Mutate(samples[sample], location, kind))), iter: 3000);
    }

    /// <summary>
    /// What the dispatcher does with a payload before the function: the detector's quick look, then (when it cannot
    /// tell, or the payload does not read as what it named) the detector; then read it as its source.
    /// </summary>
    private static void DetectAndMap(byte[] payload)
    {
        try
        {
            if (EventSourceDetector.TryDetectQuickly(payload, out var quick, out var quickSource) && quick == DetectedPayload.Supported)
            {
                try
                {
                    EventReading.ReadAs(quickSource, payload);
                    return;
                }
                catch (JsonException)
                {
                    // The dispatcher asks the detector next.
                }
            }

            if (EventSourceDetector.Detect(payload, out var source, out _) != DetectedPayload.Supported)
            {
                return;
            }

            EventReading.ReadAs(source, payload);
        }
        catch (JsonException)
        {
            // The documented error: reported as Function.InvalidEvent.
        }
    }
}
