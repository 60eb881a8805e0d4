using System.Text.Json;
using System.Text.Json.Serialization;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions;
using Portable.Functions.GoogleCloudFunctions;

// The functions of the Functions Framework conformance suite, selected by FUNCTION_TARGET (or the first argument):
//   http        writes the request body to function_output.json
//   cloudevent  writes the received CloudEvent, in structured JSON, to function_output.json
//   typed       answers {"payload": <request>}
//   concurrent  sleeps one second, then answers
//   gated       (ours, not the suite's) answers only once ?expect=N requests are inside it together — proves
//               concurrency without a clock; 503 when they did not all arrive within 30 seconds
return await GoogleCloudFunctionsHost.RunAsync(args, services => services.AddPortableFunctions(f => f
    .AddHttpFunction<HttpConformance>("http")
    .AddEventFunction<CloudEventConformance, byte[]>("cloudevent")
    .AddFunction<TypedConformance, JsonElement, TypedResponse>("typed")
    .AddHttpFunction<ConcurrentConformance>("concurrent")
    .AddHttpFunction<GatedConformance>("gated")
    .UseJsonContext(ConformanceJsonContext.Default)));

internal static class Output
{
    /// <summary>The conformance client reads this file from the function's working directory after each request.</summary>
    public static string Path => System.IO.Path.Combine(Environment.CurrentDirectory, "function_output.json");
}

internal sealed class HttpConformance : IHttpFunction
{
    public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        await File.WriteAllBytesAsync(Output.Path, request.Body.ToArray(), cancellationToken);
        return FunctionHttpResponse.Empty(200);
    }
}

internal sealed class CloudEventConformance : IEventFunction<byte[]>
{
    private static readonly JsonEventFormatter Formatter = new();

    public async Task HandleAsync(FunctionEvent<byte[]> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        var cloudEvent = context.GetFeature<CloudEventFeature>()!.CloudEvent;
        var encoded = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        await File.WriteAllBytesAsync(Output.Path, encoded.ToArray(), cancellationToken);
    }
}

internal sealed class TypedConformance : IFunction<JsonElement, TypedResponse>
{
    public Task<TypedResponse> HandleAsync(JsonElement request, FunctionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new TypedResponse(request));
}

internal sealed class ConcurrentConformance : IHttpFunction
{
    public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return FunctionHttpResponse.Empty(200);
    }
}

internal sealed class GatedConformance : IHttpFunction
{
    private static readonly TaskCompletionSource AllInside = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static int s_inside;

    public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var expected = int.Parse(request.Query.TryGetValue("expect", out var value) ? value.ToString() : "10", System.Globalization.CultureInfo.InvariantCulture);
        if (Interlocked.Increment(ref s_inside) >= expected)
        {
            AllInside.TrySetResult();
        }

        try
        {
            await AllInside.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return FunctionHttpResponse.Text("together");
        }
        catch (TimeoutException)
        {
            return FunctionHttpResponse.Text($"only {Volatile.Read(ref s_inside)} of {expected} arrived together", 503);
        }
    }
}

internal sealed record TypedResponse([property: JsonPropertyName("payload")] JsonElement Payload);

[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(TypedResponse))]
internal sealed partial class ConformanceJsonContext : JsonSerializerContext;
