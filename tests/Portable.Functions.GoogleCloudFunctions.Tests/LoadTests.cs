using Microsoft.Extensions.DependencyInjection;
using System.Text;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The Functions Framework host under bounded load on loopback: 10,000 requests of the Greeter's <c>greet</c> over 64 connections, every
/// answer right, memory bounded (the working set before and after is written to the test output). Nothing about time is
/// asserted.
/// </summary>
public sealed class LoadTests
{
    [Fact]
    public async Task TenThousandRequests_At64Connections_AllAnsweredRight_MemoryBounded()
    {
        await using var host = await RunningGcfHost.StartAsync(s => s.AddGreeterFunctions(), "greet");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        await WarmUpAsync(client);
        var before = Load.SettledWorkingSetMiB();
        var heapBefore = Load.SettledManagedHeapMiB();

        var errors = await Load.RunAsync(10_000, 64, async i =>
        {
            using var response = await client.PostAsync("/greet", new StringContent($$"""{"name":"n{{i}}"}""", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            return (int)response.StatusCode == 200 && body == $$"""{"message":"Hello, n{{i}}!"}""" ? null : $"{(int)response.StatusCode} {body}";
        });

        var after = Load.SettledWorkingSetMiB();
        var heapAfter = Load.SettledManagedHeapMiB();
        TestContext.Current.TestOutputHelper?.WriteLine($"working set {before} MiB before, {after} MiB after; managed heap {heapBefore} MiB before, {heapAfter} MiB after");
        Assert.Empty(errors);
        Assert.True(heapAfter - heapBefore < 64, $"the managed heap grew from {heapBefore} to {heapAfter} MiB");
        Assert.True(after - before < 256, $"the working set grew from {before} to {after} MiB");
    }

    private static async Task WarmUpAsync(HttpClient client)
    {
        for (var i = 0; i < 64; i++)
        {
            using var response = await client.PostAsync("/greet", new StringContent("""{"name":"warm"}""", Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        }
    }
}
