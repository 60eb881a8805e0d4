using Greeter.Functions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Greeter's functions; every entry project calls this one method.</summary>
public static class GreeterServiceCollectionExtensions
{
    public static IServiceCollection AddGreeterFunctions(this IServiceCollection services) =>
        services.AddPortableFunctions(functions => functions
            .AddFunction<Greet, GreetRequest, GreetResponse>("greet")
            .AddEventFunction<OrderPlaced, Order>("order-placed")
            .UseJsonContext(GreeterJsonContext.Default));
}
