using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.Http.Tests;

/// <summary>The real HTTP host, started on a free loopback port, with an HttpClient pointed at it.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private RunningHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<RunningHost> StartAsync(Action<IServiceCollection> configureServices, Action<HttpFunctionsOptions>? options = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = FunctionsHttpHost.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.Services.Configure<HttpFunctionsOptions>(o =>
        {
            o.PrintBanner = false;
            options?.Invoke(o);
        });
        configureServices(builder.Services);
        var app = builder.Build();
        app.MapPortableFunctions();
        await app.StartAsync();
        return new RunningHost(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
