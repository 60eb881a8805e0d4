using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using WorkerCookie = Microsoft.Azure.Functions.Worker.Http.HttpCookie;
using WorkerSameSite = Microsoft.Azure.Functions.Worker.Http.SameSite;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// The built-in HTTP model (<see cref="HttpRequestData"/>/<see cref="HttpResponseData"/>) carried over the same
/// ASP.NET Core layer as every other HTTP surface: the request becomes an in-memory <see cref="DefaultHttpContext"/>
/// (no server, no copy of the headers' values), the layer serves it, and its response is copied to the worker's.
/// </summary>
internal static class HttpRequestDataAdapter
{
    /// <summary>How many headers a new header dictionary holds before it grows for the first time.</summary>
    private const int InitialHeaderCapacity = 3;

    /// <summary>The room <see cref="DefaultHttpContext()"/> makes for features: the layer adds a handful as it reads.</summary>
    private const int FeatureCapacity = 10;

    /// <summary>
    /// The request as an <see cref="HttpContext"/> that only the shared layer sees (the function is offered the
    /// <see cref="HttpRequestData"/>, not the context), whose response is written to <paramref name="responseBody"/>.
    /// </summary>
    public static DefaultHttpContext ToHttpContext(HttpRequestData data, ResponseBuffer responseBody)
    {
        // The features DefaultHttpContext() sets up itself, but with the response body the buffer from the start: setting
        // HttpResponse.Body afterwards would put a second body feature over the first.
        var features = new FeatureCollection(FeatureCapacity);
        features.Set<IHttpRequestFeature>(new HttpRequestFeature());
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        var http = new DefaultHttpContext(features);
        var request = http.Request;
        var url = data.Url;
        request.Method = data.Method;
        request.Scheme = url.Scheme;
        request.Path = PathString.FromUriComponent(url);
        request.QueryString = QueryString.FromUriComponent(url);
        var headers = data.Headers;
        if (headers.NonValidated.Count > InitialHeaderCapacity)
        {
            // Sized once for all of them, where adding one by one would grow the dictionary again and again.
            http.Features.GetRequiredFeature<IHttpRequestFeature>().Headers = new HeaderDictionary(headers.NonValidated.Count);
        }

        foreach (var (name, values) in headers)
        {
            // Enumerating HttpHeaders makes a new array per header: it is taken as it is rather than copied again.
            request.Headers.Append(name, values as string[] ?? values.ToArray());
        }

        if (!request.Headers.ContainsKey(HeaderNames.Host))
        {
            request.Host = HostString.FromUriComponent(url);
        }

        if (!request.Headers.ContainsKey(HeaderNames.Cookie) && data.Cookies.Count > 0)
        {
            request.Headers.Cookie = string.Join("; ", data.Cookies.Select(static c => c.Name + "=" + c.Value));
        }

        request.Body = data.Body ?? Stream.Null;
        return http;
    }

    /// <summary>The worker's response: the status, headers and cookies the layer wrote, then the body it buffered.</summary>
    public static async ValueTask<HttpResponseData> ToResponseDataAsync(HttpContext http, HttpRequestData request, ResponseBuffer body)
    {
        var source = http.Response;
        var response = request.CreateResponse();
        response.StatusCode = (HttpStatusCode)source.StatusCode;
        if (source.Headers is HeaderDictionary headers)
        {
            foreach (var (name, values) in headers) // its struct enumerator: no boxed enumerator per response
            {
                CopyHeader(response, name, values);
            }
        }
        else
        {
            foreach (var (name, values) in source.Headers)
            {
                CopyHeader(response, name, values);
            }
        }

        if (body.Length > 0)
        {
            await response.Body.WriteAsync(body.Written).ConfigureAwait(false);
        }

        return response;
    }

    private static void CopyHeader(HttpResponseData response, string name, StringValues values)
    {
        if (name.Equals(HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var value in values)
            {
                AppendCookie(response, value);
            }
        }
        else if (!name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
        {
            // One value, the usual case, goes in as the string it is; the sequence overload adds a single value the
            // same way, but only after boxing the values and their enumerator.
            _ = values.Count == 1
                ? response.Headers.TryAddWithoutValidation(name, values[0])
                : response.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
        }
    }

    /// <summary>The built-in model carries cookies apart from the headers: each <c>Set-Cookie</c> value becomes one.</summary>
    private static void AppendCookie(HttpResponseData response, string? value)
    {
        if (!SetCookieHeaderValue.TryParse(value, out var parsed))
        {
            response.Headers.TryAddWithoutValidation(HeaderNames.SetCookie, value);
            return;
        }

        response.Cookies.Append(new WorkerCookie(parsed.Name.ToString(), parsed.Value.ToString())
        {
            Domain = parsed.Domain.HasValue ? parsed.Domain.Value : null,
            Path = parsed.Path.HasValue ? parsed.Path.Value : null,
            Expires = parsed.Expires,
            MaxAge = parsed.MaxAge?.TotalSeconds,
            Secure = parsed.Secure ? true : null,
            HttpOnly = parsed.HttpOnly ? true : null,
            SameSite = parsed.SameSite switch
            {
                Microsoft.Net.Http.Headers.SameSiteMode.Lax => WorkerSameSite.Lax,
                Microsoft.Net.Http.Headers.SameSiteMode.Strict => WorkerSameSite.Strict,
                Microsoft.Net.Http.Headers.SameSiteMode.None => WorkerSameSite.ExplicitNone,
                _ => WorkerSameSite.None,
            },
        });
    }
}
