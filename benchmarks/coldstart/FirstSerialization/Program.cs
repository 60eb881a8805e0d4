using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Greeter.Functions;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions;

// One measurement per process, printed as "metadata µs, first read µs, first write µs, bytes written": the JSON
// metadata of the Greeter's request and response as the core resolves it (the sample's source-generated context,
// read with the web defaults), then the first deserialization of a request and the first serialization of a
// response with it — what the first invocation of a cold process pays for JSON. The services are built first and not
// timed: they are the host's start, measured by the cold-start harness.
using var services = new ServiceCollection().AddGreeterFunctions().BuildServiceProvider();
var catalog = services.GetRequiredService<FunctionCatalog>();
var payload = """{"name":"Ada"}"""u8.ToArray();

var start = Stopwatch.GetTimestamp();
var requestInfo = catalog.GetJsonTypeInfo<GreetRequest>();
var responseInfo = catalog.GetJsonTypeInfo<GreetResponse>();
var metadata = Stopwatch.GetElapsedTime(start);

start = Stopwatch.GetTimestamp();
var request = JsonSerializer.Deserialize(payload, requestInfo) ?? throw new InvalidOperationException("No request.");
var read = Stopwatch.GetElapsedTime(start);

start = Stopwatch.GetTimestamp();
var bytes = JsonSerializer.SerializeToUtf8Bytes(new GreetResponse("Hello, " + request.Name + "!"), responseInfo);
var written = Stopwatch.GetElapsedTime(start);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{metadata.TotalMicroseconds:F0} {read.TotalMicroseconds:F0} {written.TotalMicroseconds:F0} {bytes.Length}"));
