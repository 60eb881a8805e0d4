using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>One HTTP request through a generated entry point, in either programming model, and what came back.</summary>
internal static class HttpInvocations
{
    public sealed record Answer(int Status, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> Cookies)
    {
        public StatusAnswer ToStatusAnswer() => new(Status, ContentType, Body, name => Headers.TryGetValue(name, out var value) ? value : null);
    }

    /// <summary>The ASP.NET Core integration: the function gets the real <see cref="HttpRequest"/> and writes to its response.</summary>
    public static Task<Answer> AspNetCoreAsync(TestFunctionContext context, string functionName, string method, string path, string? contentType, string body, params (string Name, string Value)[] headers) =>
        AspNetCoreAsync(context, functionName, method, path, contentType, Encoding.UTF8.GetBytes(body), headers);

    /// <summary>The ASP.NET Core integration, with a body of any bytes.</summary>
    public static async Task<Answer> AspNetCoreAsync(TestFunctionContext context, string functionName, string method, string path, string? contentType, byte[] bytes, params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext { RequestServices = context.InstanceServices };
        var request = http.Request;
        request.Method = method;
        request.Scheme = "https";
        request.Host = new HostString("greeter.azurewebsites.net");
        var query = path.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? path : path[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        if (contentType is not null)
        {
            request.ContentType = contentType;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Append(name, value);
        }

        var responseBody = new MemoryStream();
        http.Response.Body = responseBody;

        var result = await AzureFunctionsEntryPoint.HttpAsync(functionName, request, context);

        Assert.IsType<EmptyResult>(result); // the response is written: nothing is left for the worker to serialize
        var response = http.Response;
        var all = response.Headers.Where(h => !h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, response.ContentType, Encoding.UTF8.GetString(responseBody.ToArray()), all, [.. response.Headers.SetCookie.Select(c => c!)]);
    }

    /// <summary>The built-in model: the function gets <see cref="Microsoft.Azure.Functions.Worker.Http.HttpRequestData"/> and answers with <c>HttpResponseData</c>.</summary>
    public static Task<Answer> HttpRequestDataAsync(TestFunctionContext context, string functionName, string method, string path, string? contentType, string body, params (string Name, string Value)[] headers) =>
        HttpRequestDataAsync(context, functionName, method, path, contentType, Encoding.UTF8.GetBytes(body), headers);

    /// <summary>The built-in model, with a body of any bytes.</summary>
    public static async Task<Answer> HttpRequestDataAsync(TestFunctionContext context, string functionName, string method, string path, string? contentType, byte[] bytes, params (string Name, string Value)[] headers)
    {
        // The host forwards the request's own headers, Host and Content-Length included.
        var all = new List<KeyValuePair<string, string>> { new("Host", "greeter.azurewebsites.net") };
        if (bytes.Length > 0)
        {
            all.Add(new("Content-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (contentType is not null)
        {
            all.Add(new("Content-Type", contentType));
        }

        all.AddRange(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
        var request = new TestHttpRequestData(context, method, new Uri("https://greeter.azurewebsites.net" + path), bytes, all);

        var response = (TestHttpResponseData)await AzureFunctionsEntryPoint.HttpAsync(functionName, request, context);

        var answerHeaders = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var cookies = ((TestHttpCookies)response.Cookies).All.Select(Describe).ToList();
        return new Answer((int)response.StatusCode, answerHeaders.GetValueOrDefault("Content-Type"), response.BodyText, answerHeaders, cookies);
    }

    private static string Describe(Microsoft.Azure.Functions.Worker.Http.IHttpCookie cookie) =>
        $"{cookie.Name}={cookie.Value}; path={cookie.Path}; domain={cookie.Domain}; max-age={cookie.MaxAge}; secure={cookie.Secure}; httponly={cookie.HttpOnly}; samesite={cookie.SameSite}";
}
