using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Greeter.Functions;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>What the functions under test received.</summary>
public sealed class Received
{
    public ConcurrentQueue<(FunctionEvent Event, FunctionContext Context)> Events { get; } = new();

    public ConcurrentQueue<(FunctionHttpRequest Request, FunctionContext Context)> Requests { get; } = new();
}

/// <summary>Records its event; data <c>"boom"</c> (or an order of a negative amount) fails.</summary>
public sealed class RecordEvent<T>(Received received) : IEventFunction<T>
{
    public Task HandleAsync(FunctionEvent<T> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        received.Events.Enqueue((functionEvent, context));
        return functionEvent.Data is "boom" ? throw new InvalidOperationException("secret internal detail") : Task.CompletedTask;
    }
}

/// <summary>Records its request and answers with a header, two cookies and a body that name what it saw.</summary>
public sealed class Inspect(Received received) : IHttpFunction
{
    public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        received.Requests.Enqueue((request, context));
        var response = FunctionHttpResponse.Text($"{request.Method} {request.Path}?{request.QueryString} {Encoding.UTF8.GetString(request.Body.Span)}", 201);
        response.Headers["X-Echo"] = request.GetHeader("X-Input") ?? "none";
        response.Cookies.Add("session=abc; Path=/; HttpOnly; Secure; SameSite=Strict");
        response.Cookies.Add("theme=dark; Max-Age=3600; Domain=example.com");
        return Task.FromResult(response);
    }
}

internal static class AzureTestFunctions
{
    public static IServiceCollection AddAzureTestFunctions(this IServiceCollection services) =>
        services
            .AddSingleton<Received>()
            .AddGreeterFunctions()
            .AddPortableFunctions(f => f
                .AddEventFunction<RecordEvent<string>, string>("text")
                .AddEventFunction<RecordEvent<byte[]>, byte[]>("bytes")
                .AddEventFunction<RecordEvent<StorageObjectChange>, StorageObjectChange>("storage")
                .AddEventFunction<RecordEvent<ScheduleTick>, ScheduleTick>("tick")
                .AddHttpFunction<Inspect>("inspect"))
            .AddPortableFunctionsAzureFunctions();
}

/// <summary>Renders what crossed the adapter as indented JSON, for snapshots.</summary>
internal static class Describe
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Event(FunctionEvent functionEvent, object? data)
    {
        var extensions = new JsonObject();
        foreach (var (name, value) in functionEvent.Extensions.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            extensions[name] = value;
        }

        return new JsonObject
        {
            ["specversion"] = functionEvent.SpecVersion,
            ["id"] = functionEvent.Id,
            ["source"] = functionEvent.Source,
            ["type"] = functionEvent.Type,
            ["subject"] = functionEvent.Subject,
            ["time"] = functionEvent.Time?.ToString("O", CultureInfo.InvariantCulture),
            ["datacontenttype"] = functionEvent.DataContentType,
            ["extensions"] = extensions,
            ["data"] = data switch
            {
                null => null,
                string text => text,
                byte[] bytes => "bytes:" + Encoding.UTF8.GetString(bytes),
                _ => JsonSerializer.SerializeToNode(data, DescribeJsonContext.Default.GetTypeInfo(data.GetType())!),
            },
        }.ToJsonString(Indented);
    }

    public static string Request(FunctionHttpRequest request) => new JsonObject
    {
        ["method"] = request.Method,
        ["path"] = request.Path,
        ["queryString"] = request.QueryString,
        ["query"] = new JsonObject(request.Query.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value.ToString()))),
        ["headers"] = new JsonObject(request.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value.ToString()))),
        ["cookies"] = new JsonObject(request.Cookies.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
        ["body"] = Encoding.UTF8.GetString(request.Body.Span),
    }.ToJsonString(Indented);

    public static string Answer(HttpInvocations.Answer answer) => new JsonObject
    {
        ["status"] = answer.Status,
        ["contentType"] = answer.ContentType,
        ["headers"] = new JsonObject(answer.Headers.Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value))),
        ["cookies"] = new JsonArray([.. answer.Cookies.Select(c => (JsonNode?)c)]),
        ["body"] = answer.Body.StartsWith('{') ? JsonNode.Parse(answer.Body) : answer.Body,
    }.ToJsonString(Indented);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StorageObjectChange))]
[JsonSerializable(typeof(ScheduleTick))]
[JsonSerializable(typeof(Order))]
internal sealed partial class DescribeJsonContext : JsonSerializerContext;
