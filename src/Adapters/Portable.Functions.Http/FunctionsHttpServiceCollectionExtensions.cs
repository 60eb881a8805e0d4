using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portable.Functions.Http;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers the Portable.Functions HTTP host's services.</summary>
public static class FunctionsHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the HTTP host's options — bound from the configuration section <c>PortableFunctions:Http</c>, then
    /// <paramref name="configure"/>, validated when the host starts — and the Portable.Functions core.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the host's options in code; it runs after the configuration is bound.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctionsHttp(this IServiceCollection services, Action<HttpFunctionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPortableFunctions();
        services.AddOptions<HttpFunctionsOptions>().BindConfiguration(HttpFunctionsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpFunctionsOptions>, HttpFunctionsOptionsValidation>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}

/// <summary>Validates <see cref="HttpFunctionsOptions"/>.</summary>
internal sealed class HttpFunctionsOptionsValidation : IValidateOptions<HttpFunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpFunctionsOptions options)
    {
        List<string>? failures = null;
        if (options.MaxRequestBodySize <= 0)
        {
            (failures ??= []).Add($"{HttpFunctionsOptions.SectionName}:MaxRequestBodySize must be positive; it is {options.MaxRequestBodySize}.");
        }

        if (options.HealthPath is not ['/', ..])
        {
            (failures ??= []).Add($"{HttpFunctionsOptions.SectionName}:HealthPath must start with '/'; it is '{options.HealthPath}'.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
