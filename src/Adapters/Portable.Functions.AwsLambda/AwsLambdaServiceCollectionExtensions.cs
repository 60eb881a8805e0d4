using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portable.Functions.AwsLambda;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers the Portable.Functions AWS Lambda adapter's services.</summary>
public static class AwsLambdaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the AWS Lambda adapter's options — bound from the configuration section
    /// <c>PortableFunctions:AwsLambda</c> when an <see cref="IConfiguration"/> is registered, then
    /// <paramref name="configure"/>, validated when the runtime starts — and the Portable.Functions core.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the adapter in code, e.g. declares a function's event source.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctionsAwsLambda(this IServiceCollection services, Action<AwsLambdaFunctionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPortableFunctions();
        services.AddOptions<AwsLambdaFunctionsOptions>();
        // Factories rather than types: the container would pick a constructor by reflection at the first resolution, which
        // is on every cold start's path.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AwsLambdaFunctionsOptions>, AwsLambdaFunctionsOptionsConfiguration>(static services => new AwsLambdaFunctionsOptionsConfiguration(services)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsLambdaFunctionsOptions>, AwsLambdaFunctionsOptionsValidation>(static _ => new AwsLambdaFunctionsOptionsValidation()));

        // Closed, so that Native AOT does not build the open-generic options types at cold start (see AddPortableFunctions).
        services.TryAddSingleton<IOptions<AwsLambdaFunctionsOptions>>(static services => Microsoft.Extensions.Options.Options.Create(new OptionsFactory<AwsLambdaFunctionsOptions>(
            services.GetServices<IConfigureOptions<AwsLambdaFunctionsOptions>>(),
            services.GetServices<IPostConfigureOptions<AwsLambdaFunctionsOptions>>(),
            services.GetServices<IValidateOptions<AwsLambdaFunctionsOptions>>()).Create(Microsoft.Extensions.Options.Options.DefaultName)));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}

/// <summary>Binds <see cref="AwsLambdaFunctionsOptions"/> from the registered <see cref="IConfiguration"/>, when there is one.</summary>
internal sealed class AwsLambdaFunctionsOptionsConfiguration(IServiceProvider services) : IConfigureOptions<AwsLambdaFunctionsOptions>
{
    public void Configure(AwsLambdaFunctionsOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
        {
            configuration.GetSection(AwsLambdaFunctionsOptions.SectionName).Bind(options);
        }
    }
}
