namespace Portable.Functions;

/// <summary>Invokes the rest of the pipeline: the next middleware, and at the end the function itself.</summary>
/// <param name="context">The invocation's context.</param>
/// <returns>A task that completes when the rest of the pipeline has run.</returns>
public delegate Task FunctionInvocationDelegate(FunctionContext context);

/// <summary>
/// Middleware around every invocation, on every adapter: the hook for logging, validation, authorization and
/// metrics. It runs after the input is bound (see <see cref="FunctionContext.Input"/>).
/// </summary>
/// <remarks>
/// Middleware is resolved from the invocation's scope, so it may depend on scoped services. To answer early with an
/// error, throw a <see cref="FunctionProblemException"/>; not calling the next delegate skips the function.
/// </remarks>
public interface IFunctionMiddleware
{
    /// <summary>Runs the middleware.</summary>
    /// <param name="context">The invocation's context.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes when the middleware is done.</returns>
    Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next);
}
