using Microsoft.Extensions.Logging;
using Portable.Functions;

namespace Greeter.Functions;

/// <summary>The data of an <c>order-placed</c> event.</summary>
public sealed record Order(string OrderId, decimal Amount);

/// <summary><c>order-placed</c>: an event function that accepts orders.</summary>
public sealed partial class OrderPlaced : IEventFunction<Order>
{
    public Task HandleAsync(FunctionEvent<Order> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        var order = functionEvent.Data;
        if (order.Amount < 0)
        {
            // Throwing marks this event as failed: the platform retries it (and reports only it in a batch).
            throw new InvalidOperationException($"Order {order.OrderId} has a negative amount.");
        }

        LogAccepted(context.Logger, order.OrderId);
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "order {OrderId} accepted")]
    private static partial void LogAccepted(ILogger logger, string orderId);
}
