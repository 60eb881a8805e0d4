using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Runs one registered function under the Functions Framework contract, as Cloud Run functions and Cloud Functions
/// start it: a whole entry project is
/// <c>return await GoogleCloudFunctionsHost.RunAsync(args, s => s.AddMyFunctions());</c>.
/// </summary>
/// <remarks>
/// <para>Configuration is ASP.NET Core's (<c>appsettings.json</c>, environment variables, the command line) with the
/// contract's switches mapped onto its variables; the precedence is source code (<see cref="GoogleCloudFunctionsOptions"/>),
/// then <c>--port</c>/<c>--target</c> (or a first argument)/<c>--signature-type</c>, then
/// <c>PORT</c>/<c>FUNCTION_TARGET</c>/<c>FUNCTION_SIGNATURE_TYPE</c>. The port defaults to 8080; with one registered
/// function it is the target; the signature type defaults to the function's own shape. The host binds every
/// interface inside a container (<c>DOTNET_RUNNING_IN_CONTAINER=true</c> or <c>K_SERVICE</c> set) and loopback
/// otherwise.</para>
/// <para>Every path reaches the function except <c>/robots.txt</c> and <c>/favicon.ico</c>, which answer 404.</para>
/// </remarks>
public static class GoogleCloudFunctionsHost
{
    /// <summary>Creates a builder that listens as the contract says; register functions in its services.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configure">Source-code configuration, which wins over switches and environment variables.</param>
    /// <returns>The builder. Build it and call <see cref="MapFunctionsFramework"/>.</returns>
    /// <exception cref="InvalidOperationException">A port or signature type is not valid.</exception>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<GoogleCloudFunctionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        args = FunctionsFrameworkConfiguration.NormalizeArguments(args);
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddCommandLine(args, FunctionsFrameworkConfiguration.SwitchMappings);

        // Where to listen is decided before the host is built, from the same binding its options get.
        var options = FunctionsFrameworkConfiguration.Resolve(builder.Configuration, configure);
        builder.WebHost.UseUrls(FunctionsFrameworkConfiguration.Url(options, FunctionsFrameworkConfiguration.InContainer(builder.Configuration)));
        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.AddServerHeader = false);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (!string.IsNullOrEmpty(builder.Configuration["K_SERVICE"]))
        {
            // On Cloud Run and Cloud Functions one JSON object per line keeps multi-line entries together in Cloud Logging.
            builder.Logging.ClearProviders().AddJsonConsole();
        }

        builder.Services.AddPortableFunctionsGoogleCloudFunctions(configure);
        return builder;
    }

    /// <summary>Routes every path to the target function.</summary>
    /// <param name="app">The application built from <see cref="CreateBuilder"/>.</param>
    /// <returns>The application, for chaining.</returns>
    /// <exception cref="InvalidOperationException">No function matches the target, or the signature type does not fit the function.</exception>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static WebApplication MapFunctionsFramework(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<GoogleCloudFunctionsOptions>>().Value;
        var function = app.Services.GetRequiredService<FunctionCatalog>().Select(options.Target);
        CheckSignature(function, options.SignatureType);

        // The contract's two exceptions answer 404 without invoking the function (through the core, like every answer);
        // every other path reaches it.
        var handler = new FunctionsFrameworkHandler(function, options);
        app.Map("/robots.txt", branch => branch.Run(handler.NotFoundAsync));
        app.Map("/favicon.ico", branch => branch.Run(handler.NotFoundAsync));
        app.Run(handler.HandleAsync);

        var url = FunctionsFrameworkConfiguration.Url(options, FunctionsFrameworkConfiguration.InContainer(app.Configuration));
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            Console.Out.WriteLine($"Portable.Functions (Functions Framework contract) serving '{function.Name}' ({function.Kind}) on {url}");
            Console.Out.Flush();
        });
        return app;
    }

    /// <summary>Creates, starts and runs the host until it is stopped; start-up errors are printed and give exit code 1.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configureServices">Registers the functions.</param>
    /// <param name="configure">Source-code configuration, which wins over switches and environment variables.</param>
    /// <param name="cancellationToken">Stops the host when cancelled.</param>
    /// <returns>The process exit code: 0 after a graceful shutdown, 1 when the configuration is not valid.</returns>
    public static async Task<int> RunAsync(string[] args, Action<IServiceCollection> configureServices, Action<GoogleCloudFunctionsOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        WebApplication app;
        try
        {
            var builder = CreateBuilder(args, configure);
            configureServices(builder.Services);
            app = builder.Build();
            app.MapFunctionsFramework();
        }
        catch (Exception exception) when (exception is InvalidOperationException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync("Portable.Functions could not start: " + exception.Message).ConfigureAwait(false);
            return 1;
        }

        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static void CheckSignature(FunctionInvoker function, FunctionSignatureType? signature)
    {
        if (signature is null)
        {
            return;
        }

        var fits = signature == FunctionSignatureType.Http ? function.Kind != FunctionKind.Event : function.Kind == FunctionKind.Event;
        if (!fits)
        {
            throw new InvalidOperationException(
                $"The signature type is '{signature.Value.ToString().ToLowerInvariant()}' but function '{function.Name}' is {(function.Kind == FunctionKind.Event ? "an event" : "a " + function.Kind.ToString().ToLowerInvariant())} function.");
        }
    }
}
