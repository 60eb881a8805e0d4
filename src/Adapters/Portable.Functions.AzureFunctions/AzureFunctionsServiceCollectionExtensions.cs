using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AzureFunctionsStartup>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}

/// <summary>
/// Builds the functions when the worker starts, so that a function whose types no serializer context knows, or
/// options that are not valid, stop the worker with a clear message instead of failing its first invocation.
/// </summary>
internal sealed class AzureFunctionsStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<AzureFunctionsDispatcher>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
