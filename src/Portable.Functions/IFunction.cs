namespace Portable.Functions;

/// <summary>
/// A typed function: a request of type <typeparamref name="TRequest"/> in, a response of type
/// <typeparamref name="TResponse"/> out.
/// </summary>
/// <typeparam name="TRequest">The request type, bound from JSON through the registered serializer context.</typeparam>
/// <typeparam name="TResponse">The response type, written as JSON through the registered serializer context.</typeparam>
/// <remarks>
/// Implementations are resolved from a per-invocation dependency-injection scope, so they may take scoped
/// services in their constructor. Throw a <see cref="FunctionProblemException"/> to answer with an RFC 9457
/// problem; any other exception becomes a 500 problem that carries the invocation id and no internals.
/// </remarks>
public interface IFunction<in TRequest, TResponse>
{
    /// <summary>Handles one invocation.</summary>
    /// <param name="request">The bound request.</param>
    /// <param name="context">The invocation's context: id, deadline, services, logger, trace and HTTP metadata.</param>
    /// <param name="cancellationToken">Fires at the platform deadline (minus the configured grace period) or when the caller goes away.</param>
    /// <returns>The response, serialized as JSON by the adapter.</returns>
    Task<TResponse> HandleAsync(TRequest request, FunctionContext context, CancellationToken cancellationToken);
}
