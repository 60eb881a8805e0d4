using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.Http;

/// <summary>The part of serving a request that every HTTP-based adapter shares: invoke, write, and survive host defects.</summary>
internal static partial class HttpServing
{
    /// <summary>
    /// Runs <paramref name="invoke"/> and writes its response. A caller that went away gets nothing; a defect in the
    /// host itself (the invoker already turns function failures into problems) becomes a 500 problem with an
    /// invocation id and no internals, optionally marked with <paramref name="failureHeader"/>.
    /// </summary>
    public static async Task ServeAsync(
        HttpContext context,
        Func<HttpContext, Task<FunctionHttpResponse>> invoke,
        ILogger logger,
        string functionName,
        KeyValuePair<string, string>? failureHeader = null)
    {
        try
        {
            var response = await invoke(context).ConfigureAwait(false);
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await HttpResponseWriter.WriteAsync(context, response).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var invocationId = Guid.NewGuid().ToString();
            LogHostFailure(logger, exception, functionName, invocationId);
            var problem = new FunctionProblem(500, "An unexpected error occurred.")
            {
                Detail = "The host failed. Quote the invocation id when you report it.",
            };
            problem.Extensions["invocationId"] = invocationId;
            var response = FunctionHttpResponse.Problem(problem);
            if (failureHeader is { } header)
            {
                response.Headers[header.Key] = header.Value;
            }

            context.Response.Clear();
            await HttpResponseWriter.WriteAsync(context, response).ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Error, "The host failed while serving function {FunctionName} (invocation {InvocationId}).")]
    private static partial void LogHostFailure(ILogger logger, Exception exception, string functionName, string invocationId);
}
