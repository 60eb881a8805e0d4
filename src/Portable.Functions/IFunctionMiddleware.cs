namespace Portable.Functions;

/// <summary>Invokes the rest of the pipeline: the next middleware, and at the end the function itself.</summary>
/// <param name="context">The invocation's context.</param>
/// <returns>A task that completes when the rest of the pipeline has run.</returns>
public delegate Task FunctionInvocationDelegate(FunctionContext context);

/// <summary>
/// Middleware around every invocation, on every adapter: the hook for logging, validation, authorization and
/// metrics. It runs before the input is bound, so it sees invocations whose input will not bind too, and can answer
/// first (a 401 before a 400 reveals the request's schema); <see cref="FunctionContext.BindInput"/> binds it earlier.
/// </summary>
/// <remarks>
/// Middleware is resolved from the invocation's scope with the lifetime it is registered with, so it may depend on
/// scoped services. To answer early with an error, throw a <see cref="FunctionProblemException"/> (headers added to
/// <see cref="FunctionContext.Http"/>, such as <c>WWW-Authenticate</c>, go with it); not calling the next delegate
/// skips the function.
/// </remarks>
public interface IFunctionMiddleware
{
    /// <summary>Runs the middleware.</summary>
    /// <param name="context">The invocation's context.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes when the middleware is done.</returns>
    Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next);
}
