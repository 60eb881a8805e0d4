using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the API Gateway REST (payload 1.0) and ALB request event, the two share one shape, with
/// <see cref="Utf8JsonReader"/> directly, as <see cref="HttpApiJson"/> does the HTTP API envelope. Only the members the
/// adapter maps are read; the others (<c>resource</c>, <c>pathParameters</c>, <c>requestContext</c>, …) are skipped
/// whatever their shape.
/// </summary>
internal static class ProxyJson
{
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    public static ProxyRequest ReadRequest(ReadOnlySpan<byte> payload) => ReadEvent(payload, ReadMembers);

    private static ProxyRequest ReadMembers(ref Utf8JsonReader reader)
    {
        var request = new ProxyRequest();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("httpMethod"u8))
            {
                request.HttpMethod = ReadString(ref reader, "$.httpMethod");
            }
            else if (reader.ValueTextEquals("path"u8))
            {
                request.Path = ReadString(ref reader, "$.path");
            }
            else if (reader.ValueTextEquals("headers"u8))
            {
                request.Headers = ReadStringMap(ref reader, "$.headers");
            }
            else if (reader.ValueTextEquals("multiValueHeaders"u8))
            {
                request.MultiValueHeaders = ReadStringListMap(ref reader, "$.multiValueHeaders");
            }
            else if (reader.ValueTextEquals("queryStringParameters"u8))
            {
                request.QueryStringParameters = ReadStringMap(ref reader, "$.queryStringParameters");
            }
            else if (reader.ValueTextEquals("multiValueQueryStringParameters"u8))
            {
                request.MultiValueQueryStringParameters = ReadStringListMap(ref reader, "$.multiValueQueryStringParameters");
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                request.Body = ReadUtf8(ref reader, "$.body");
            }
            else if (reader.ValueTextEquals("isBase64Encoded"u8))
            {
                request.IsBase64Encoded = ReadBoolean(ref reader, "$.isBase64Encoded");
            }
            else
            {
                Skip(ref reader);
            }
        }

        return request;
    }
}
