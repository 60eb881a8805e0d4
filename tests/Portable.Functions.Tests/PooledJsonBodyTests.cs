using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.Tests;

/// <summary>
/// A typed function's response body is serialized into a pooled array that the result gives back when disposed: the
/// bytes must be exactly what System.Text.Json writes for the context's options, and no body may ever show another's.
/// </summary>
public sealed partial class PooledJsonBodyTests
{
    public sealed record ReplyRequest(string Text, int Repeat, bool NotANumber = false);

    public sealed record ReplyResponse(string Text, double Number);

    public sealed class Reply : IFunction<ReplyRequest, ReplyResponse>
    {
        public Task<ReplyResponse> HandleAsync(ReplyRequest request, FunctionContext context, CancellationToken cancellationToken) =>
            Task.FromResult(Expected(request));

        public static ReplyResponse Expected(ReplyRequest request) =>
            new(string.Concat(Enumerable.Repeat(request.Text, request.Repeat)), request.NotANumber ? double.NaN : request.Repeat / 4.0);
    }

    [JsonSerializable(typeof(ReplyRequest))]
    [JsonSerializable(typeof(ReplyResponse))]
    public sealed partial class PlainReplyContext : JsonSerializerContext;

    [JsonSourceGenerationOptions(WriteIndented = true, IndentCharacter = '\t', IndentSize = 1, NewLine = "\n")]
    [JsonSerializable(typeof(ReplyRequest))]
    [JsonSerializable(typeof(ReplyResponse))]
    public sealed partial class IndentedReplyContext : JsonSerializerContext;

    private sealed class Host : IDisposable
    {
        private readonly ServiceProvider _services;

        public Host(JsonSerializerContext context)
        {
            _services = new ServiceCollection()
                .AddPortableFunctions(f => f.AddFunction<Reply, ReplyRequest, ReplyResponse>("reply").UseJsonContext(context))
                .BuildServiceProvider();
            Catalog = _services.GetRequiredService<FunctionCatalog>();
            Function = Catalog.Select("reply");
        }

        public FunctionCatalog Catalog { get; }

        public FunctionInvoker Function { get; }

        public ValueTask<FunctionResult> InvokeAsync(ReplyRequest request) => Function.InvokeHttpAsync(new FunctionHttpRequest
        {
            Method = "POST",
            Path = "/reply",
            Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            Body = JsonSerializer.SerializeToUtf8Bytes(request, Catalog.GetJsonTypeInfo<ReplyRequest>()),
        });

        /// <summary>What System.Text.Json itself writes for the function's response, with the options the function uses.</summary>
        public byte[] ExpectedBody(ReplyRequest request) =>
            JsonSerializer.SerializeToUtf8Bytes(Reply.Expected(request), Catalog.GetJsonTypeInfo<ReplyResponse>());

        public void Dispose() => _services.Dispose();
    }

    public static TheoryData<string, int> Bodies()
    {
        var data = new TheoryData<string, int>();
        foreach (var context in new[] { "plain", "indented" })
        {
            // Empty text; under the first rented size; past it (the buffer grows); past the largest array kept.
            foreach (var repeat in new[] { 0, 1, 60, 9_000, 200_000 })
            {
                data.Add(context, repeat);
            }
        }

        return data;
    }

    private static Host CreateHost(string context) =>
        new(context == "plain" ? PlainReplyContext.Default : IndentedReplyContext.Default);

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Body_IsExactlyWhatTheSerializerWrites(string context, int repeat)
    {
        using var host = CreateHost(context);
        var request = new ReplyRequest("é\"<x>\u2028 ", repeat); // escaped by the default encoder: a writer with other options would differ

        using var result = await host.InvokeAsync(request);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(MediaTypes.Json, result.Response.ContentType);
        Assert.Equal(host.ExpectedBody(request), result.Response.Body.ToArray());
    }

    [Fact]
    public async Task Dispose_GivesTheBodyBack_AndTheBodyReadsEmptyAfter()
    {
        using var host = CreateHost("plain");
        var result = await host.InvokeAsync(new ReplyRequest("abc", 3));
        Assert.False(result.Response.Body.IsEmpty);

        result.Dispose();
        result.Dispose(); // a second time does nothing more

        Assert.True(result.Response.Body.IsEmpty);
        Assert.Equal(200, result.StatusCode);
    }

    [Fact]
    public async Task Dispose_KeepsABodySetAfterwards()
    {
        using var host = CreateHost("plain");
        var result = await host.InvokeAsync(new ReplyRequest("abc", 3));
        result.Response.Body = "replaced"u8.ToArray();

        result.Dispose();

        Assert.Equal("replaced", Encoding.UTF8.GetString(result.Response.Body.Span));
    }

    [Fact]
    public async Task ResultNotDisposed_KeepsItsBody_WhileOthersAreServedAndGiveTheirsBack()
    {
        using var host = CreateHost("plain");
        var kept = await host.InvokeAsync(new ReplyRequest("kept", 50));
        var keptBody = host.ExpectedBody(new ReplyRequest("kept", 50));

        for (var i = 0; i < 200; i++)
        {
            using var other = await host.InvokeAsync(new ReplyRequest("other" + i, 50 + (i % 7)));
            Assert.Equal(host.ExpectedBody(new ReplyRequest("other" + i, 50 + (i % 7))), other.Response.Body.ToArray());
        }

        Assert.Equal(keptBody, kept.Response.Body.ToArray());
        kept.Dispose();
    }

    [Fact]
    public async Task ConcurrentInvocations_EachGetItsOwnBody()
    {
        using var host = CreateHost("plain");

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                var request = new ReplyRequest($"w{worker}-{i}|", 1 + ((i * 7) % 90));
                var result = await host.InvokeAsync(request);
                await Task.Yield(); // the result is disposed on whichever thread resumes
                Assert.Equal(host.ExpectedBody(request), result.Response.Body.ToArray());
                result.Dispose();
            }
        }, TestContext.Current.CancellationToken));

        await Task.WhenAll(workers);
    }

    [Fact]
    public async Task SerializationFailure_Is500_AndTheNextBodyIsWhole()
    {
        using var host = CreateHost("plain");

        using var failed = await host.InvokeAsync(new ReplyRequest("x", 4, NotANumber: true)); // NaN: not JSON by default
        using var next = await host.InvokeAsync(new ReplyRequest("after", 4));

        Assert.Equal(FunctionStatus.Failed, failed.Status);
        Assert.Equal(500, failed.StatusCode);
        Assert.Equal(MediaTypes.ProblemJson, failed.Response.ContentType);
        Assert.DoesNotContain("NaN", Encoding.UTF8.GetString(failed.Response.Body.Span), StringComparison.Ordinal);
        Assert.Equal(host.ExpectedBody(new ReplyRequest("after", 4)), next.Response.Body.ToArray());
    }
}
