using System.Net;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>The snippet of the package's PACKAGE.md and docs/adapters/azure-functions-testing.md, run as written against ClassicWorkerApp.</summary>
public sealed class DocumentationSampleTests
{
    [Fact]
    public async Task PackageSample_RunsAsDocumented()
    {
        // Sample: PACKAGE.md, docs/adapters/azure-functions-testing.md (ApplicationPath aside)
        var options = new AzureFunctionsHostEmulatorOptions { ApplicationPath = WorkerApps.Classic };
        options.EnvironmentVariables["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        await using var host = await AzureFunctionsHostEmulator.StartAsync(options);

        var http = await host.InvokeHttpAsync("Echo", new HttpRequestMessage(HttpMethod.Post, "/api/items/42") { Content = new StringContent("hello") });
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);

        var queue = await host.InvokeQueueAsync("ProcessOrder", new QueueTriggerMessage("order-1") { DequeueCount = 2 });
        Assert.True(queue.Succeeded, queue.Error?.Message);

        var tick = await host.InvokeTimerAsync("Tick", new TimerTick { IsPastDue = true });
        Assert.Contains(tick.Logs, log => log.Message.Contains("pastDue=True", StringComparison.Ordinal));

        // End sample
    }
}
