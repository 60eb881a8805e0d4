using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// Cloud Run sends SIGTERM and gives the instance time to finish: the host stops listening at once, and an invocation
/// already inside the function is answered before the host stops.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_HoldsTheInFlightInvocation_RefusesNewConnections_ThenAnswersIt()
    {
        var host = await RunningGcfHost.StartAsync(
            s => s.AddSingleton<Held>().AddPortableFunctions(f => f.AddHttpFunction<HeldFunction>("held")), "held");
        var held = host.App.Services.GetRequiredService<Held>();

        var inFlight = host.Client.PostAsync("/", new StringContent("in flight"), TestContext.Current.CancellationToken);
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var stopping = host.App.StopAsync(TestContext.Current.CancellationToken);

        // Every path goes to the target, so a probe that got in would block on the gate: /robots.txt is answered by
        // the contract itself (404) without the function.
        await Shutdown.NewConnectionsRefusedAsync(host.Address, "/robots.txt", TestContext.Current.CancellationToken);
        Assert.False(inFlight.IsCompleted);
        Assert.False(stopping.IsCompleted);
        held.Release.SetResult();

        using var answered = await inFlight;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("answered: in flight", await answered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await stopping;
        await host.DisposeAsync();
    }

    public sealed class Held
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class HeldFunction(Held held) : IHttpFunction
    {
        public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            held.Entered.TrySetResult();
            await held.Release.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return FunctionHttpResponse.Text("answered: " + System.Text.Encoding.UTF8.GetString(request.Body.Span));
        }
    }
}
