using Microsoft.AspNetCore.Http;

namespace Portable.Functions.Http;

/// <summary>Writes a <see cref="FunctionHttpResponse"/> to an ASP.NET Core response.</summary>
public static class FunctionHttpResponseWriter
{
    /// <summary>
    /// Writes the status, headers, cookies and body. Headers the server owns (<c>Content-Length</c>,
    /// <c>Transfer-Encoding</c>, <c>Connection</c>) are never taken from the response; <c>Content-Type</c> comes from
    /// <see cref="FunctionHttpResponse.ContentType"/>, or from the headers when that is not set.
    /// </summary>
    /// <param name="context">The HTTP context whose response is written; it must not have started.</param>
    /// <param name="response">The response.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteAsync(HttpContext context, FunctionHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        var target = context.Response;
        target.StatusCode = response.StatusCode;
        if (response.HasHeaders)
        {
            foreach (var (name, values) in response.Headers)
            {
                if (!IsReserved(name) || (response.ContentType is null && name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
                {
                    target.Headers[name] = values;
                }
            }
        }

        if (response.HasCookies)
        {
            foreach (var cookie in response.Cookies)
            {
                target.Headers.Append("Set-Cookie", cookie);
            }
        }

        if (response.ContentType is { } contentType)
        {
            target.ContentType = contentType;
        }

        if (response.Body.IsEmpty)
        {
            return Task.CompletedTask;
        }

        target.ContentLength = response.Body.Length;
        return target.Body.WriteAsync(response.Body, context.RequestAborted).AsTask();
    }

    /// <summary>Headers the server owns: the function may not set them.</summary>
    private static bool IsReserved(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
}
