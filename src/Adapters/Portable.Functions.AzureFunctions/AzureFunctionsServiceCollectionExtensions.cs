using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portable.Functions.AzureFunctions;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers the Portable.Functions Azure Functions adapter's services in the isolated worker.</summary>
public static class AzureFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Azure Functions adapter in the worker's services — its options, bound from the configuration
    /// section <c>PortableFunctions:AzureFunctions</c>, then <paramref name="configure"/>, validated when the worker
    /// starts — and the Portable.Functions core. Works with <c>FunctionsApplication.CreateBuilder(args)</c> and with a
    /// <c>HostBuilder</c> alike: call it on the builder's services.
    /// </summary>
    /// <param name="services">The worker's service collection.</param>
    /// <param name="configure">Configures the adapter in code.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctionsAzureFunctions(this IServiceCollection services, Action<AzureFunctionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPortableFunctions();
        services.AddOptions<AzureFunctionsOptions>().BindConfiguration(AzureFunctionsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureFunctionsOptions>, AzureFunctionsOptionsValidation>());
        services.TryAddSingleton<AzureFunctionsDispatcher>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
