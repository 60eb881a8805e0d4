using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Net.Http.Headers;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;
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
    public static DefaultHttpContext ToHttpContext(HttpRequestData data, WorkerContext context)
    {
        var http = new DefaultHttpContext { RequestServices = context.InstanceServices };
        var request = http.Request;
        var url = data.Url;
        request.Method = data.Method;
        request.Scheme = url.Scheme;
        request.Path = PathString.FromUriComponent(url);
        request.QueryString = QueryString.FromUriComponent(url);
        foreach (var (name, values) in data.Headers)
        {
            request.Headers.Append(name, values.ToArray());
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
        http.Response.Body = new MemoryStream();
        return http;
    }

    public static async Task<HttpResponseData> ToResponseDataAsync(HttpContext http, HttpRequestData request)
    {
        var source = http.Response;
        var response = request.CreateResponse();
        response.StatusCode = (HttpStatusCode)source.StatusCode;
        foreach (var (name, values) in source.Headers)
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
                response.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }
        }

        var body = (MemoryStream)source.Body;
        if (body.Length > 0)
        {
            body.Position = 0;
            await body.CopyToAsync(response.Body).ConfigureAwait(false);
        }

        return response;
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
