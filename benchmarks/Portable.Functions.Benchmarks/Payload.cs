using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Functions.Benchmarks;

public sealed record OrderLine(string Sku, int Quantity, decimal Price, string Description);

public sealed record OrderRequest(string OrderId, string Customer, List<OrderLine> Lines, string Notes);

public sealed record OrderResponse(string OrderId, decimal Total, int LineCount, string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(OrderResponse))]
public sealed partial class BenchmarkJsonContext : JsonSerializerContext;

/// <summary>The handler every benchmark calls: it totals the order and does not touch the context.</summary>
public sealed class PriceOrder : IFunction<OrderRequest, OrderResponse>
{
    public Task<OrderResponse> HandleAsync(OrderRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        decimal total = 0;
        foreach (var line in request.Lines)
        {
            total += line.Price * line.Quantity;
        }

        return Task.FromResult(new OrderResponse(request.OrderId, total, request.Lines.Count, "Order accepted for " + request.Customer));
    }

    /// <summary>A request of about 1 KB of JSON.</summary>
    public static OrderRequest Sample()
    {
        var lines = new List<OrderLine>();
        for (var i = 0; i < 6; i++)
        {
            lines.Add(new OrderLine($"SKU-{i:D5}", i + 1, 9.99m + i, $"A sample product description for line {i} of the order"));
        }

        return new OrderRequest("o-12345", "Ada Lovelace", lines, "Leave the parcel at the door; ring twice. Fragile items inside, handle with care.");
    }
}

/// <summary>The event every event benchmark delivers the order to: it totals the order, as <see cref="PriceOrder"/> does.</summary>
public sealed class RecordOrder : IEventFunction<OrderRequest>
{
    public Task HandleAsync(FunctionEvent<OrderRequest> functionEvent, FunctionContext context, CancellationToken cancellationToken) =>
        Total(functionEvent.Data) < 0 ? Task.FromException(new InvalidOperationException("negative")) : Task.CompletedTask;

    /// <summary>The handler's work, for the lower bounds that call it without a context.</summary>
    public static decimal Total(OrderRequest order)
    {
        decimal total = 0;
        foreach (var line in order.Lines)
        {
            total += line.Price * line.Quantity;
        }

        return total;
    }
}

public sealed record PingRequest(string? Name = null);

public sealed record PingResponse(bool Ok);

/// <summary>The smallest function: what an invocation costs with (almost) nothing to read or write.</summary>
public sealed class Ping : IFunction<PingRequest, PingResponse>
{
    private static readonly Task<PingResponse> Pong = Task.FromResult(new PingResponse(true));

    public Task<PingResponse> HandleAsync(PingRequest request, FunctionContext context, CancellationToken cancellationToken) => Pong;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PingRequest))]
[JsonSerializable(typeof(PingResponse))]
public sealed partial class PingJsonContext : JsonSerializerContext;
