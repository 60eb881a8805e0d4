using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>
/// Everything a function may want to know about the invocation it is handling, on any platform.
/// </summary>
/// <remarks>
/// This is an abstract class rather than an interface so that members can be added in later versions without
/// breaking anyone. Adapters never derive from it: the core creates one per invocation.
/// </remarks>
public abstract class FunctionContext
{
    /// <summary>Initializes a new instance of the <see cref="FunctionContext"/> class.</summary>
    protected FunctionContext()
    {
    }

    /// <summary>Gets the platform's id for this invocation (the Lambda request id, the Azure invocation id, a generated id on HTTP hosts).</summary>
    public abstract string InvocationId { get; }

    /// <summary>Gets the registered name of the function being invoked.</summary>
    public abstract string FunctionName { get; }

    /// <summary>Gets the shape of the function being invoked.</summary>
    public abstract FunctionKind FunctionKind { get; }

    /// <summary>Gets the platform the invocation runs on.</summary>
    public abstract FunctionProvider Provider { get; }

    /// <summary>Gets the platform deadline of the invocation, or <see langword="null"/> when there is none.</summary>
    /// <remarks>The cancellation token handed to the handler fires at this instant minus the configured grace period.</remarks>
    public abstract DateTimeOffset? Deadline { get; }

    /// <summary>Gets the invocation's cancellation token, the same one that is handed to the handler.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Gets the invocation's dependency-injection scope.</summary>
    public abstract IServiceProvider Services { get; }

    /// <summary>Gets a logger for this function; entries carry the invocation id and function name in their scope.</summary>
    public abstract ILogger Logger { get; }

    /// <summary>Gets the invocation's <see cref="System.Diagnostics.Activity"/>, or <see langword="null"/> when nobody listens to the <c>Portable.Functions</c> activity source.</summary>
    public abstract Activity? Activity { get; }

    /// <summary>Gets the W3C trace context the invocation belongs to: the incoming parent when there was one, else the invocation's own.</summary>
    public abstract ActivityContext TraceContext { get; }

    /// <summary>Gets whether this is the first invocation in this process.</summary>
    public abstract bool IsColdStart { get; }

    /// <summary>Gets a bag of values that middleware and the function can share during this invocation.</summary>
    public abstract IDictionary<object, object?> Items { get; }

    /// <summary>Gets the HTTP metadata of the invocation, or <see langword="null"/> when it was not triggered over HTTP.</summary>
    public abstract FunctionHttpContext? Http { get; }

    /// <summary>
    /// Gets the bound input of the invocation — the typed request, the <see cref="FunctionEvent{TData}"/>, or the
    /// <see cref="FunctionHttpRequest"/> — or <see langword="null"/> while it is not bound yet.
    /// </summary>
    /// <remarks>
    /// The input is bound after the middleware, at the end of the pipeline, so that a middleware can answer before a
    /// binding error does. A middleware that needs the input earlier (to validate it, say) calls <see cref="BindInput"/>.
    /// </remarks>
    public abstract object? Input { get; }

    /// <summary>Binds the invocation's input now, if it is not bound yet, and returns it.</summary>
    /// <returns>The typed request, the <see cref="FunctionEvent{TData}"/>, or the <see cref="FunctionHttpRequest"/>.</returns>
    /// <exception cref="FunctionProblemException">
    /// The input cannot be bound: a body or event data that is not valid JSON or does not match the function's type
    /// (400), a missing body (400), a method other than <c>POST</c> for typed and event functions (405), a media type
    /// the function cannot read (415). Let it propagate and the invocation answers with that problem.
    /// </exception>
    public abstract object BindInput();

    /// <summary>
    /// Gets a provider-native object for this invocation: the raw Lambda event, the Azure worker's
    /// <c>FunctionContext</c>, the ASP.NET Core <c>HttpContext</c>, or any other feature an adapter offers.
    /// </summary>
    /// <typeparam name="T">The type of the feature.</typeparam>
    /// <returns>The feature, or <see langword="null"/> when the adapter offers none of that type.</returns>
    public abstract T? GetFeature<T>()
        where T : class;
}
