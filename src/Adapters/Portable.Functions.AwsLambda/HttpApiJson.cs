using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Reads the HTTP API / Function URL (payload 2.0) event with <see cref="Utf8JsonReader"/> directly (its response is
/// written by <see cref="EnvelopeWriter"/>). The envelope is fixed and small, and it is the first thing a cold start behind
/// an HTTP API reads: building System.Text.Json's metadata for it (its types, their converters, a reflection look-up of
/// polymorphism attributes per type) cost more than the whole read. The rules are the source-generated ones it
/// replaces: camelCase names matched exactly, the last of a repeated member wins, unknown members skipped, a member of
/// the wrong JSON type or text that is not UTF-8 is a <see cref="JsonException"/> naming its path.
/// </summary>
internal static class HttpApiJson
{
    /// <summary>The methods nearly every request has: each is one string, not a new one per event.</summary>
    private static readonly KnownNames HttpMethods = new("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    // A function behind a route is asked for the same path again and again: one string of it, not two per request.
    private static readonly RepeatedText RawPaths = new(), HttpPaths = new();

    /// <summary>Reads the members of the event the adapter maps.</summary>
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a member has the wrong type.</exception>
    public static HttpApiRequest ReadRequest(ReadOnlySpan<byte> payload) => ReadEvent(payload, ReadMembers);

    private static HttpApiRequest ReadMembers(ref Utf8JsonReader reader)
    {
        var request = new HttpApiRequest();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("version"u8))
            {
                CheckString(ref reader, "$.version");
            }
            else if (reader.ValueTextEquals("rawPath"u8))
            {
                request.RawPath = ReadRepeatedString(ref reader, "$.rawPath", RawPaths);
            }
            else if (reader.ValueTextEquals("rawQueryString"u8))
            {
                request.RawQueryString = ReadString(ref reader, "$.rawQueryString");
            }
            else if (reader.ValueTextEquals("cookies"u8))
            {
                request.Cookies = ReadStrings(ref reader, "$.cookies");
            }
            else if (reader.ValueTextEquals("headers"u8))
            {
                request.Headers = ReadHeaders(ref reader, "$.headers");
            }
            else if (reader.ValueTextEquals("requestContext"u8))
            {
                ReadRequestContext(ref reader, request);
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

    /// <summary>The request context's members the mapper uses, into the request; a <c>null</c> context (or a repeated one) resets them, as a new object would.</summary>
    private static void ReadRequestContext(ref Utf8JsonReader reader, HttpApiRequest request)
    {
        request.IsFunctionUrl = false;
        ClearHttp(request);
        if (!ReadStart(ref reader, JsonTokenType.StartObject, "$.requestContext"))
        {
            return;
        }

        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("requestId"u8))
            {
                CheckString(ref reader, "$.requestContext.requestId");
            }
            else if (reader.ValueTextEquals("domainName"u8))
            {
                // Only whether it is a Function URL's (its own *.lambda-url.* domain) matters: no string is kept.
                request.IsFunctionUrl = ReadStringContains(ref reader, "$.requestContext.domainName", ".lambda-url.");
            }
            else if (reader.ValueTextEquals("http"u8))
            {
                ReadHttp(ref reader, request);
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    private static void ReadHttp(ref Utf8JsonReader reader, HttpApiRequest request)
    {
        ClearHttp(request);
        if (!ReadStart(ref reader, JsonTokenType.StartObject, "$.requestContext.http"))
        {
            return;
        }

        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("method"u8))
            {
                request.Method = ReadString(ref reader, "$.requestContext.http.method", HttpMethods);
            }
            else if (reader.ValueTextEquals("path"u8))
            {
                request.HttpPath = ReadRepeatedString(ref reader, "$.requestContext.http.path", HttpPaths);
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    private static void ClearHttp(HttpApiRequest request)
    {
        request.Method = null;
        request.HttpPath = null;
    }
}
