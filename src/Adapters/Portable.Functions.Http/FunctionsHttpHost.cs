using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.Http;

/// <summary>
/// Starts a Kestrel host that serves every registered function: the local development server and the container
/// entry point. A whole entry project is <c>return await FunctionsHttpHost.RunAsync(args, s => s.AddMyFunctions());</c>.
/// </summary>
/// <remarks>
/// <para>Where it listens, first match wins: a <c>--urls</c> command-line switch; the <c>PORT</c> environment variable
/// (Cloud Run, Knative, Heroku-style platforms); <c>ASPNETCORE_URLS</c>/<c>ASPNETCORE_HTTP_PORTS</c>; otherwise
/// <c>http://localhost:8080</c>. With <c>DOTNET_RUNNING_IN_CONTAINER=true</c> a port alone binds every interface
/// (<c>0.0.0.0</c>) instead of loopback.</para>
/// <para>Configuration is ASP.NET Core's: <c>appsettings.json</c>, environment variables and the command line. The core's
/// options bind from the section <c>PortableFunctions</c> (for instance <c>PortableFunctions__IncludeExceptionDetails=true</c>
/// puts exception details into 500 problems — use it only in development — and <c>PortableFunctions__DefaultTimeout</c>
/// sets a deadline), the host's from <c>PortableFunctions:Http</c>; both are validated at start.</para>
/// </remarks>
public static class FunctionsHttpHost
{
    /// <summary>The port the host listens on when nothing else is configured.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Creates a builder with the host's listening rules, options and services.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The builder; register functions in its <c>Services</c>, then build it and call <c>MapPortableFunctions</c>.</returns>
    /// <exception cref="InvalidOperationException">The <c>PORT</c> environment variable is not a valid port number.</exception>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(args);
        var urls = ResolveUrls(args, builder.Configuration);
        if (urls is not null)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.AddServerHeader = false);

        // Per-request framework logs drown the functions' own; configuration can still turn them back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddPortableFunctionsHttp();

        return builder;
    }

    /// <summary>Creates, starts and runs the host until it is stopped (Ctrl+C, SIGTERM).</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configureServices">Registers the functions, usually through <c>AddPortableFunctions</c>.</param>
    /// <param name="cancellationToken">Stops the host when cancelled.</param>
    /// <returns>The process exit code: 0 after a graceful shutdown.</returns>
    public static async Task<int> RunAsync(string[] args, Action<IServiceCollection> configureServices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        var builder = CreateBuilder(args);
        configureServices(builder.Services);
        var app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            app.MapPortableFunctions();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Decides the URLs to bind, or <see langword="null"/> to leave the server's own configuration in force.</summary>
    internal static string? ResolveUrls(string[] args, IConfiguration configuration)
    {
        foreach (var arg in args)
        {
            if (arg.Equals("--urls", StringComparison.OrdinalIgnoreCase) || arg.StartsWith("--urls=", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        var inContainer = string.Equals(configuration["DOTNET_RUNNING_IN_CONTAINER"], "true", StringComparison.OrdinalIgnoreCase);
        var host = inContainer ? "0.0.0.0" : "localhost";
        var port = configuration["PORT"];
        if (!string.IsNullOrWhiteSpace(port))
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidOperationException($"The PORT environment variable must be a port number from 1 to 65535, not '{port}'.");
            }

            return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{number}");
        }

        if (!string.IsNullOrWhiteSpace(configuration["urls"]) || !string.IsNullOrWhiteSpace(configuration["http_ports"])
            || !string.IsNullOrWhiteSpace(configuration["ASPNETCORE_HTTP_PORTS"]) || !string.IsNullOrWhiteSpace(configuration["ASPNETCORE_URLS"]))
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{DefaultPort}");
    }
}
