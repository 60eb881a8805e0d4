using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portable.Functions.GoogleCloudFunctions;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers the Portable.Functions Functions Framework host's services.</summary>
public static class GoogleCloudFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Functions Framework host's options — bound from the configuration (the contract's <c>PORT</c>,
    /// <c>FUNCTION_TARGET</c> and <c>FUNCTION_SIGNATURE_TYPE</c>, and the section
    /// <c>PortableFunctions:GoogleCloudFunctions</c>), then <paramref name="configure"/>, validated at start — and the
    /// Portable.Functions core.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Source-code configuration, which wins over the command line and the environment.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctionsGoogleCloudFunctions(this IServiceCollection services, Action<GoogleCloudFunctionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPortableFunctions();
        services.AddOptions<GoogleCloudFunctionsOptions>()
            .Configure<IConfiguration>(static (options, configuration) => FunctionsFrameworkConfiguration.Bind(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GoogleCloudFunctionsOptions>, GoogleCloudFunctionsOptionsValidation>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
