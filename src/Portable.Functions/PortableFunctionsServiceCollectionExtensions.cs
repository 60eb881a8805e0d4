using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portable.Functions;

namespace Microsoft.Extensions.DependencyInjection; // Namespace by convention, so the extension is found without a using.

/// <summary>Registers Portable.Functions in a service collection.</summary>
public static class PortableFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Portable.Functions core and lets <paramref name="configure"/> add functions, serializer contexts
    /// and middleware. It may be called several times (for instance by a handler library and by the host); the
    /// registrations add up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds functions, serializer contexts and middleware.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPortableFunctions(this IServiceCollection services, Action<PortableFunctionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var registrations = FunctionRegistrations.Find(services);
        if (registrations is null)
        {
            registrations = new FunctionRegistrations();
            services.AddSingleton(registrations);
        }

        services.AddOptions();
        // Factories rather than types: the container would pick a constructor by reflection at the first resolution, which
        // is on every cold start's path.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FunctionsOptions>, FunctionsOptionsConfiguration>(static services => new FunctionsOptionsConfiguration(services)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FunctionsOptions>, FunctionsOptionsValidation>(static _ => new FunctionsOptionsValidation()));

        // A closed registration beside the open-generic IOptions<>: under Native AOT the container would build
        // UnnamedOptionsManager<FunctionsOptions> and its factory at run time, about a millisecond of every cold start.
        // Same result: every IConfigureOptions, IPostConfigureOptions and IValidateOptions of the default name, once.
        services.TryAddSingleton<IOptions<FunctionsOptions>>(static services => Options.Options.Create(new OptionsFactory<FunctionsOptions>(
            services.GetServices<IConfigureOptions<FunctionsOptions>>(),
            services.GetServices<IPostConfigureOptions<FunctionsOptions>>(),
            services.GetServices<IValidateOptions<FunctionsOptions>>()).Create(Options.Options.DefaultName)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static services => new FunctionCatalog(services));

        configure?.Invoke(new PortableFunctionsBuilder(services, registrations));
        return services;
    }
}
