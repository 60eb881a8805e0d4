using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

// GET /next, deserialize, greet, serialize into a reused writer, POST /response; forever.
var api = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") ?? throw new InvalidOperationException("AWS_LAMBDA_RUNTIME_API is not set.");
using var client = new HttpClient { BaseAddress = new Uri($"http://{api}/2018-06-01/runtime/"), Timeout = Timeout.InfiniteTimeSpan };
var buffer = new ArrayBufferWriter<byte>(1024);
using var writer = new Utf8JsonWriter(buffer);
var json = new MediaTypeHeaderValue("application/json");
while (true)
{
    using var next = await client.GetAsync("invocation/next", HttpCompletionOption.ResponseHeadersRead);
    var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").First();
    var payload = await next.Content.ReadAsByteArrayAsync();
    var request = JsonSerializer.Deserialize(payload, NaiveJson.Default.GreetRequest)!;

    var response = new GreetResponse($"Hello, {request.Name}!");

    buffer.ResetWrittenCount();
    writer.Reset();
    JsonSerializer.Serialize(writer, response, NaiveJson.Default.GreetResponse);
    using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
    content.Headers.ContentType = json;
    using var posted = await client.PostAsync($"invocation/{requestId}/response", content);
}

internal sealed record GreetRequest(string Name);

internal sealed record GreetResponse(string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(GreetResponse))]
internal sealed partial class NaiveJson : JsonSerializerContext;
