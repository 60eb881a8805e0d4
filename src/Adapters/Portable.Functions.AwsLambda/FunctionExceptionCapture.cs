namespace Portable.Functions.AwsLambda;

/// <summary>
/// Carries the exception a function threw out of the core's pipeline, for a direct invocation of a typed function:
/// the core answers it with a 500 problem, while the Runtime API error names the exception type.
/// </summary>
internal sealed class FunctionExceptionCapture
{
    public Exception? Exception { get; set; }

    public static async Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (context.GetFeature<FunctionExceptionCapture>() is { } capture)
        {
            capture.Exception = exception;
            throw;
        }
    }
}
