using System.Text.Json.Serialization;

// POST /greet {"name":"Ada"} → {"message":"Hello, Ada!"} on http://localhost:$PORT, with nothing else configured.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SlimJson.Default));
builder.WebHost.UseUrls($"http://localhost:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
var app = builder.Build();
app.MapPost("/greet", (GreetRequest request) => new GreetResponse($"Hello, {request.Name}!"));
app.Run();

internal sealed record GreetRequest(string Name);

internal sealed record GreetResponse(string Message);

[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(GreetResponse))]
internal sealed partial class SlimJson : JsonSerializerContext;
