using System.Diagnostics;
using System.Net;
using System.Text;
using Portable.Functions.AzureFunctions.Testing;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.EndToEnd.Tests;

/// <summary>
/// The Greeter's <c>greet</c> in the real isolated worker (ASP.NET Core integration) under bounded load: 10,000
/// invocations, 64 at a time, driven by the host emulator as the Functions host drives them (gRPC, and the proxied HTTP
/// request); every answer right, the worker process's memory bounded (its working set before and after is written to
/// the test output). Nothing about time is asserted.
/// </summary>
public sealed class LoadTests(GreeterAppFixture fixture) : IClassFixture<GreeterAppFixture>
{
    private AzureFunctionsHostEmulator Host => fixture.Host;

    [Fact]
    public async Task TenThousandInvocations_64AtATime_AllAnsweredRight_WorkerMemoryBounded()
    {
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Host.InvokeHttpAsync("greet", Post("warm"))).StatusCode);
        }

        var before = WorkerWorkingSetMiB();

        var errors = await Load.RunAsync(10_000, 64, async i =>
        {
            var result = await Host.InvokeHttpAsync("greet", Post("n" + i));
            var body = await result.ReadBodyAsStringAsync();
            return result.StatusCode == HttpStatusCode.OK && body == $$"""{"message":"Hello, n{{i}}!"}""" ? null : $"{(int)result.StatusCode} {body} {result.Invocation.Error?.Message}";
        });

        var after = WorkerWorkingSetMiB();
        TestContext.Current.TestOutputHelper?.WriteLine($"worker working set {before} MiB before, {after} MiB after");
        Assert.Empty(errors);
        Assert.True(after - before < 256, $"the worker's working set grew from {before} to {after} MiB");
    }

    private static HttpRequestMessage Post(string name) =>
        new(HttpMethod.Post, "/api/greet") { Content = new StringContent($$"""{"name":"{{name}}"}""", Encoding.UTF8, "application/json") };

    private long WorkerWorkingSetMiB()
    {
        using var worker = Process.GetProcessById(Host.WorkerProcessId);
        worker.Refresh();
        return worker.WorkingSet64 / (1024 * 1024);
    }
}
