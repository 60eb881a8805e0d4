using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The Lambda loop under bounded load: 10,000 sequential invocations of the Greeter's <c>greet</c> from the loopback
/// Runtime API, each answered right, without the process growing (working set and managed heap before and after are
/// written to the test output). Nothing about time is asserted.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class LoadTests
{
    [Fact]
    public async Task TenThousandSequentialInvocations_AllAnsweredRight_WithoutGrowing()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "greet");
        for (var i = 0; i < 100; i++)
        {
            await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"name":"warm"}"""));
        }

        var before = Load.SettledWorkingSetMiB();
        var heapBefore = Load.SettledManagedHeapMiB();

        var errors = await Load.RunAsync(10_000, 1, async i =>
        {
            var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue($$"""{"name":"n{{i}}"}"""));
            return result.Kind == "response" && result.Body == $$"""{"message":"Hello, n{{i}}!"}""" ? null : $"{result.Kind} {result.Body}";
        });

        var after = Load.SettledWorkingSetMiB();
        var heapAfter = Load.SettledManagedHeapMiB();
        TestContext.Current.TestOutputHelper?.WriteLine($"working set {before} MiB before, {after} MiB after; managed heap {heapBefore} MiB before, {heapAfter} MiB after");
        Assert.Empty(errors);
        Assert.True(heapAfter - heapBefore < 32, $"the managed heap grew from {heapBefore} to {heapAfter} MiB");
        Assert.True(after - before < 128, $"the working set grew from {before} to {after} MiB");
    }
}
