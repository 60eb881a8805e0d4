using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

public sealed class DeadlineTests
{
    [Fact]
    public async Task Token_FiresAtTheDeadlineMinusTheGracePeriod_AndTheInvocationAnswers504()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.Configure(o => o.DeadlineGracePeriod = TimeSpan.FromSeconds(1))));
        var deadline = host.Time.GetUtcNow().AddSeconds(10);

        var invocation = host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"slow"}"""), new TestInvocationOptions { Deadline = deadline });
        var log = host.Services.GetRequiredService<InvocationLog>();
        var token = Assert.Single(log.Tokens);

        host.Time.Advance(TimeSpan.FromSeconds(8.9));
        Assert.False(token.IsCancellationRequested);
        Assert.False(invocation.IsCompleted);

        host.Time.Advance(TimeSpan.FromSeconds(0.1));
        var result = await invocation;

        Assert.True(token.IsCancellationRequested);
        Assert.Equal(504, result.StatusCode);
        Assert.Equal(deadline, Assert.Single(log.Contexts).Deadline);
    }

    [Fact]
    public async Task Token_WithoutDeadline_FiresAtTheDefaultTimeout()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.Configure(o =>
        {
            o.DefaultTimeout = TimeSpan.FromSeconds(30);
            o.DeadlineGracePeriod = TimeSpan.Zero;
        })));

        var invocation = host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"slow"}"""));
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(invocation.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(504, (await invocation).StatusCode);
    }

    [Fact]
    public async Task Token_DeadlineBeyondWhatATimerHolds_NeverFires_AndIsStillReported()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var deadline = host.Time.GetUtcNow().AddYears(100);

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""), new TestInvocationOptions { Deadline = deadline });

        Assert.Equal(200, result.StatusCode);
        var log = host.Services.GetRequiredService<InvocationLog>();
        Assert.Equal(deadline, Assert.Single(log.Contexts).Deadline);
        Assert.False(Assert.Single(log.Tokens).CanBeCanceled);
    }

    [Fact]
    public async Task Token_WhenTheCallerGoesAway_IsCancelledAndReported()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        using var caller = new CancellationTokenSource();

        var invocation = host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"slow"}"""),
            new TestInvocationOptions { Deadline = host.Time.GetUtcNow().AddMinutes(5) }, caller.Token);
        await caller.CancelAsync();
        var result = await invocation;

        Assert.Equal(499, result.StatusCode);
    }

    [Fact]
    public async Task Event_PastItsDeadline_TimesOut()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.AddEventFunction<SlowEvent, Payment>("slow-event")));

        var invocation = host.InvokeEventAsync("slow-event", new Payment("p", 1m), options: new TestInvocationOptions { Deadline = host.Time.GetUtcNow().AddSeconds(3) });
        host.Time.Advance(TimeSpan.FromSeconds(3));
        var result = await invocation;

        Assert.Equal(FunctionStatus.TimedOut, result.Status);
        Assert.Equal(504, result.Problem!.Status);
    }

    [Fact]
    public async Task PlatformEnforcedDeadline_SetsNoTimerOfItsOwn_AndTheHostsTokenEndsItAsMissingTheDeadline()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        using var platform = new CancellationTokenSource();
        var deadline = host.Time.GetUtcNow().AddSeconds(10);
        Assert.True(host.Catalog.TryGet("echo", out var echo));

        var invocation = echo.InvokeHttpAsync(Json.Post("/echo", """{"text":"slow"}"""),
            new FunctionInvocation { Deadline = deadline, PlatformCancellationToken = platform.Token, PlatformEnforcesDeadline = true }).AsTask();
        host.Time.Advance(TimeSpan.FromMinutes(1)); // past the deadline: only the host's token may end it
        var log = host.Services.GetRequiredService<InvocationLog>();
        Assert.False(Assert.Single(log.Tokens).IsCancellationRequested);
        Assert.False(invocation.IsCompleted);

        await platform.CancelAsync();
        var result = await invocation;

        Assert.Equal(FunctionStatus.TimedOut, result.Status);
        Assert.Equal(504, result.StatusCode);
        Assert.Equal("The function did not finish before its deadline.", result.Problem!.Detail);
        Assert.Equal(deadline, Assert.Single(log.Contexts).Deadline);
    }

    [Fact]
    public async Task PlatformEnforcesDeadline_WithoutAPlatformToken_TheCoreTimesTheDeadline()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.Configure(o => o.DeadlineGracePeriod = TimeSpan.Zero)));
        Assert.True(host.Catalog.TryGet("echo", out var echo));

        var invocation = echo.InvokeHttpAsync(Json.Post("/echo", """{"text":"slow"}"""),
            new FunctionInvocation { Deadline = host.Time.GetUtcNow().AddSeconds(10), PlatformEnforcesDeadline = true }).AsTask();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        var result = await invocation;

        Assert.Equal(FunctionStatus.TimedOut, result.Status);
    }

    private sealed class SlowEvent : IEventFunction<Payment>
    {
        public Task HandleAsync(FunctionEvent<Payment> functionEvent, FunctionContext context, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
    }
}
