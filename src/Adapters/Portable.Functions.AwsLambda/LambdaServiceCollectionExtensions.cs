using Portable.Functions.AwsLambda;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers the Portable.Functions AWS Lambda adapter's services.</summary>
public static class LambdaServiceCollectionExtensions
{
    /// <summary>Registers the AWS Lambda adapter's options, and the Portable.Functions core.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the adapter, e.g. declares a function's event source.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctionsAwsLambda(this IServiceCollection services, Action<LambdaFunctionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPortableFunctions();
        services.AddOptions<LambdaFunctionsOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
