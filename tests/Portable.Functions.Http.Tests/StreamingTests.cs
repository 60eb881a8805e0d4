using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.Http.Tests;

/// <summary>A streamed response over real sockets: the head and each write reach the client as they are made.</summary>
public sealed class StreamingTests
{
    private static Task<RunningHost> StartAsync(StreamGate gate) =>
        RunningHost.StartAsync(s => s.AddSingleton(gate).AddPortableFunctions(f => f.AddHttpFunction<Streamer>("stream")));

    [Fact]
    public async Task StreamedResponse_TheFirstChunkArrives_BeforeTheFunctionWritesTheSecond()
    {
        var gate = new StreamGate();
        await using var host = await StartAsync(gate);

        using var response = await host.Client.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        using var reader = new StreamReader(body);
        var first = await reader.ReadLineAsync(TestContext.Current.CancellationToken); // arrives while the function still waits
        gate.Open.SetResult();
        var rest = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Streamed").Single());
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("first", first);
        Assert.Equal("second\n", rest);
    }

    [Fact]
    public async Task StreamedResponse_FailingBeforeItsFirstWrite_Is500Problem()
    {
        await using var host = await StartAsync(new StreamGate());

        using var response = await host.Client.GetAsync("/stream?mode=fail-early", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("X-Streamed"));
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedResponse_FailingMidStream_CutsTheConnection_AndTheHostKeepsServing()
    {
        var gate = new StreamGate();
        await using var host = await StartAsync(gate);

        using var response = await host.Client.GetAsync("/stream?mode=fail-late", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        gate.Open.SetResult();

        await Assert.ThrowsAnyAsync<IOException>(async () => await new StreamReader(body).ReadToEndAsync(TestContext.Current.CancellationToken));
        using var next = await host.Client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }
}
