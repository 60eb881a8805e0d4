namespace Portable.Functions;

/// <summary>
/// An event function: one event in, nothing out. Every non-HTTP trigger on every platform is presented to it as a
/// <see cref="FunctionEvent{TData}"/> with CloudEvents 1.0 attributes.
/// </summary>
/// <typeparam name="TData">The type the event's data is bound to.</typeparam>
/// <remarks>
/// Returning normally acknowledges the event. Throwing means "this event failed": the platform retries it, and in a
/// batch only the failed records are reported as failed.
/// </remarks>
public interface IEventFunction<TData>
{
    /// <summary>Handles one event.</summary>
    /// <param name="functionEvent">The event, with its attributes and bound data.</param>
    /// <param name="context">The invocation's context.</param>
    /// <param name="cancellationToken">Fires at the platform deadline (minus the configured grace period) or when the caller goes away.</param>
    /// <returns>A task that completes when the event has been handled.</returns>
    Task HandleAsync(FunctionEvent<TData> functionEvent, FunctionContext context, CancellationToken cancellationToken);
}
