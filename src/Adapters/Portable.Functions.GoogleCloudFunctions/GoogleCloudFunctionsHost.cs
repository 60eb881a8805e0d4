using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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
/// <para>Configuration, each from source code (<see cref="GoogleCloudFunctionsOptions"/>), else a command-line switch,
/// else an environment variable: the port (<c>--port</c>, <c>PORT</c>, default 8080), the target (<c>--target</c> or a
/// lone argument, <c>FUNCTION_TARGET</c>; with one registered function, that one) and the signature type
/// (<c>--signature-type</c>, <c>FUNCTION_SIGNATURE_TYPE</c>: <c>http</c>, <c>cloudevent</c> or <c>event</c>; by
/// default the function's own shape). The host binds every interface inside a container
/// (<c>DOTNET_RUNNING_IN_CONTAINER=true</c> or <c>K_SERVICE</c> set) and loopback otherwise.</para>
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
        var options = new GoogleCloudFunctionsOptions();
        configure?.Invoke(options);
        var settings = FunctionsFrameworkSettings.Resolve(args, options, Environment.GetEnvironmentVariable);

        var builder = WebApplication.CreateSlimBuilder(settings.RemainingArgs);
        builder.WebHost.UseUrls(settings.Url);
        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.AddServerHeader = false);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("K_SERVICE")))
        {
            // On Cloud Run and Cloud Functions one JSON object per line keeps multi-line entries together in Cloud Logging.
            builder.Logging.ClearProviders().AddJsonConsole();
        }

        builder.Services.AddPortableFunctions();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(Options.Create(options));
        if (bool.TryParse(builder.Configuration["PortableFunctions:IncludeExceptionDetails"], out var include) && include)
        {
            builder.Services.AddPortableFunctions(static f => f.Configure(static o => o.IncludeExceptionDetails = true));
        }

        return builder;
    }

    /// <summary>Routes every path to the target function.</summary>
    /// <param name="app">The application built from <see cref="CreateBuilder"/>.</param>
    /// <returns>The application, for chaining.</returns>
    /// <exception cref="InvalidOperationException">No function matches the target, or the signature type does not fit the function.</exception>
    public static WebApplication MapFunctionsFramework(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<FunctionsFrameworkSettings>();
        var options = app.Services.GetRequiredService<IOptions<GoogleCloudFunctionsOptions>>().Value;
        var function = app.Services.GetRequiredService<FunctionCatalog>().Select(settings.Target);
        CheckSignature(function, settings.SignatureType);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.Functions.GoogleCloudFunctions");
        var handler = new FunctionsFrameworkHandler(function, options, app.Services.GetRequiredService<TimeProvider>(), logger);
        app.Run(handler.HandleAsync);

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() =>
        {
            Console.Out.WriteLine($"Portable.Functions (Functions Framework contract) serving '{function.Name}' ({function.Kind}) on {settings.Url}");
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
        catch (InvalidOperationException exception)
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
