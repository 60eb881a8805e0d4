using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

internal static class Paths
{
    /// <summary>The repository root, found from the test assembly's output folder.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portable.Functions.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
        }
    }

    /// <summary>The public Functions Framework conformance fixtures, beside the repository (never copied into it).</summary>
    public static string GcpVectors => Path.Combine(RepositoryRoot, "..", "shared", "vectors", "gcp");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy", name + ".json");

    /// <summary>The build output of a sibling project, in the same configuration and framework as this test assembly.</summary>
    public static string ProjectOutput(string relativeProjectDirectory, string assemblyName)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryRoot, relativeProjectDirectory, "bin", output.Parent!.Name, output.Name, assemblyName + ".dll");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Describe
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An envelope as a structured CloudEvent with sorted extensions, for snapshots.</summary>
    public static string Envelope(FunctionEventEnvelope envelope)
    {
        var extensions = new JsonObject();
        foreach (var (name, value) in envelope.Extensions.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            extensions[name] = value;
        }

        JsonNode? data = null;
        if (!envelope.Data.IsEmpty)
        {
            data = envelope.DataContentType is null || envelope.DataContentType.Contains("json", StringComparison.Ordinal)
                ? TryParse(envelope.Data.Span) ?? Encoding.UTF8.GetString(envelope.Data.Span)
                : Convert.ToBase64String(envelope.Data.Span);
        }

        return new JsonObject
        {
            ["specversion"] = envelope.SpecVersion,
            ["id"] = envelope.Id,
            ["source"] = envelope.Source,
            ["type"] = envelope.Type,
            ["subject"] = envelope.Subject,
            ["time"] = envelope.Time?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = envelope.DataContentType,
            ["extensions"] = extensions,
            ["data"] = data,
        }.ToJsonString(Indented);
    }

    private static JsonNode? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The real Functions Framework host on a free loopback port, serving one target.</summary>
internal sealed class RunningGcfHost : IAsyncDisposable
{
    private RunningGcfHost(WebApplication app, int port)
    {
        App = app;
        Client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<RunningGcfHost> StartAsync(Action<IServiceCollection> configureServices, string? target, Action<GoogleCloudFunctionsOptions>? configure = null)
    {
        var port = Paths.FreePort();
        var builder = GoogleCloudFunctionsHost.CreateBuilder([], o =>
        {
            o.Port = port;
            o.Target = target;
            configure?.Invoke(o);
        });
        builder.Logging.ClearProviders();
        configureServices(builder.Services);
        var app = builder.Build();
        app.MapFunctionsFramework();
        await app.StartAsync();
        return new RunningGcfHost(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
