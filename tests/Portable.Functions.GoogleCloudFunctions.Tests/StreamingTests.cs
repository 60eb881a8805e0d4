using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The Functions Framework host streams an HTTP function's <see cref="FunctionHttpResponse.Stream(IAsyncEnumerable{ReadOnlyMemory{byte}}, string, int)"/>
/// chunks to the client as they are produced (Cloud Run functions pass a chunked response through).
/// </summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task Chunks_ReachTheClient_BeforeTheFunctionProducesTheNext()
    {
        var gate = new ChunkGate();
        await using var host = await RunningGcfHost.StartAsync(s => s.AddSingleton(gate).AddPortableFunctions(f => f.AddHttpFunction<ChunkProducer>("chunks")), "chunks");

        using var response = await host.Client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var first = await reader.ReadLineAsync(TestContext.Current.CancellationToken); // while the producer waits
        gate.Open.SetResult();
        var rest = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("data: one", first);
        Assert.Equal("\ndata: two\n\n", rest);
    }

    public sealed class ChunkGate
    {
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Server-sent events from an async sequence: one event, then the next once the test opens the gate.</summary>
    public sealed class ChunkProducer(ChunkGate gate) : IHttpFunction
    {
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken) =>
            Task.FromResult(FunctionHttpResponse.Stream(Events(cancellationToken), "text/event-stream"));

        private async IAsyncEnumerable<ReadOnlyMemory<byte>> Events([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return "data: one\n\n"u8.ToArray();
            await gate.Open.Task.WaitAsync(cancellationToken);
            yield return "data: two\n\n"u8.ToArray();
        }
    }
}
