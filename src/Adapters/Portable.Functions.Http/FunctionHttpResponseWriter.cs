using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portable.Functions.Http;

/// <summary>Writes a <see cref="FunctionHttpResponse"/> to an ASP.NET Core response.</summary>
public static class FunctionHttpResponseWriter
{
    private static readonly object StreamedKey = new();

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
        if (response.BodyWriter is not null)
        {
            return StreamAsync(context, response, context.RequestAborted);
        }

        var target = WriteHead(context, response);
        if (response.Body.IsEmpty)
        {
            return Task.CompletedTask;
        }

        target.ContentLength = response.Body.Length;
        return target.Body.WriteAsync(response.Body, context.RequestAborted).AsTask();
    }

    /// <summary>
    /// Sends a streamed response: the status and headers with the first write of its
    /// <see cref="FunctionHttpResponse.BodyWriter"/> (or when it ends, if it writes nothing), then each write as it
    /// comes (chunked, no <c>Content-Length</c>). A writer that fails before its first write leaves the response unsent.
    /// </summary>
    /// <param name="context">The HTTP context whose response is written; it must not have started.</param>
    /// <param name="response">The response, with a body writer.</param>
    /// <param name="cancellationToken">The invocation's token, handed to the body writer.</param>
    /// <returns>A task that completes when the body is written.</returns>
    /// <exception cref="ArgumentException">The response has no body writer.</exception>
    public static async Task StreamAsync(HttpContext context, FunctionHttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        var writer = response.BodyWriter ?? throw new ArgumentException("The response has no body writer.", nameof(response));
        var target = WriteHead(context, response);
        await writer(target.Body, cancellationToken).ConfigureAwait(false);
        await target.CompleteAsync().ConfigureAwait(false);

        // Marked, because HasStarted alone cannot say it: a context without a server (DefaultHttpContext, as in unit
        // tests of the Azure ASP.NET Core integration) never reports its response started.
        context.Items[StreamedKey] = true;
    }

    /// <summary>
    /// Gets whether <see cref="StreamAsync"/> sent the context's response to its end. Asked of the items feature, not of
    /// <see cref="HttpContext.Items"/>: a request that nothing gave items has no such feature, and asking
    /// <see cref="HttpContext.Items"/> would make ASP.NET Core create one (and its dictionary) only to find it empty.
    /// </summary>
    internal static bool WasStreamed(HttpContext context) =>
        context.Features.Get<IItemsFeature>() is { } items && items.Items.ContainsKey(StreamedKey);

    private static HttpResponse WriteHead(HttpContext context, FunctionHttpResponse response)
    {
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

        return target;
    }

    /// <summary>Headers the server owns: the function may not set them.</summary>
    private static bool IsReserved(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
}
