using Portable.Functions.Http;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers the Portable.Functions HTTP host's services.</summary>
public static class FunctionsHttpServiceCollectionExtensions
{
    /// <summary>Registers the HTTP host's services and options, and the Portable.Functions core.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the host's options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctionsHttp(this IServiceCollection services, Action<FunctionsHttpHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPortableFunctions();
        services.AddOptions<FunctionsHttpHostOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
