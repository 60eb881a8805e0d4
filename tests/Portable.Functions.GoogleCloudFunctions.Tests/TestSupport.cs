using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

internal static class Paths
{
    /// <summary>The public Functions Framework conformance fixtures, in tests/vectors/gcp (Apache-2.0).</summary>
    public static string GcpVectors => RepositoryPaths.PublicVectors("gcp");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy", name + ".json");
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
        if (envelope.BoundData is { } bound)
        {
            data = JsonSerializer.SerializeToNode(bound, DescribeJsonContext.Default.GetTypeInfo(bound.GetType())!);
        }
        else if (!envelope.Data.IsEmpty)
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

/// <summary>Portable data as the snapshots show it: camelCase, string enums, no nulls.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StorageObjectChange))]
internal sealed partial class DescribeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>The real Functions Framework host on loopback port 0 (the port it got is read back), serving one target.</summary>
public sealed class RunningGcfHost : IAsyncDisposable
{
    private RunningGcfHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<RunningGcfHost> StartAsync(Action<IServiceCollection> configureServices, string? target, Action<GoogleCloudFunctionsOptions>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = GoogleCloudFunctionsHost.CreateBuilder([], o =>
        {
            o.Target = target;
            configure?.Invoke(o);
        });

        // The contract's port is a fixed number; a test binds port 0 instead and reads the port it got.
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        configureServices(builder.Services);
        var app = builder.Build();
        app.MapFunctionsFramework();
        await app.StartAsync();
        return new RunningGcfHost(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
