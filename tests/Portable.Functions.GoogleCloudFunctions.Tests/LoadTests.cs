using Microsoft.Extensions.DependencyInjection;
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

        var report = await Load.GreetOverHttpAsync(host.Address);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Empty(report.Errors);
        Assert.True(report.HeapAfterMiB - report.HeapBeforeMiB < 64, $"the managed heap grew from {report.HeapBeforeMiB} to {report.HeapAfterMiB} MiB");
        Assert.True(report.WorkingSetAfterMiB - report.WorkingSetBeforeMiB < 256, $"the working set grew from {report.WorkingSetBeforeMiB} to {report.WorkingSetAfterMiB} MiB");
    }
}
