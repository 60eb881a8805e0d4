using System.Diagnostics;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// Deadlines fired by the process's interval timer and <c>SIGALRM</c>, for real: other tests in this process may have
/// deadlines pending at the same time, as concurrent invocations would.
/// </summary>
public sealed class DeadlineAlarmTests
{
    [Fact]
    public async Task Schedule_SeveralDeadlines_EachFiresAtItsTime_InOrder_AndAnUnscheduledOneNever()
    {
        var alarm = Alarm();
        using var late = new CancellationTokenSource();
        using var early = new CancellationTokenSource();
        using var withdrawn = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var lateFired = Fired(started, late.Token);
        var earlyFired = Fired(started, early.Token);

        _ = alarm.Schedule(late, TimeSpan.FromMilliseconds(600));
        _ = alarm.Schedule(early, TimeSpan.FromMilliseconds(200));
        alarm.Unschedule(alarm.Schedule(withdrawn, TimeSpan.FromMilliseconds(100))!);
        var earlyAt = await earlyFired.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var lateAt = await lateFired.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.InRange(earlyAt, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20));
        Assert.InRange(lateAt, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(20));
        Assert.True(earlyAt < lateAt);
        Assert.False(withdrawn.IsCancellationRequested);
    }

    [Fact]
    public async Task Unschedule_TheEarliest_TheTimerIsSetForTheNextOne()
    {
        var alarm = Alarm();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var secondFired = Fired(started, second.Token);

        var pending = alarm.Schedule(first, TimeSpan.FromMilliseconds(150))!;
        _ = alarm.Schedule(second, TimeSpan.FromMilliseconds(400));
        alarm.Unschedule(pending);
        var at = await secondFired.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.InRange(at, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(20));
        Assert.False(first.IsCancellationRequested);
    }

    [Fact]
    public void Schedule_ADeadlineAlreadyPassed_CancelsAtOnce_AndLeavesNothingPending()
    {
        using var source = new CancellationTokenSource();

        var pending = Alarm().Schedule(source, TimeSpan.FromMilliseconds(-5));

        Assert.Null(pending);
        Assert.True(source.IsCancellationRequested);
    }

    [Fact]
    public void Schedule_ADeadlineBeyondAnyTimer_NeverFires_AsWithTheCoresTimer()
    {
        using var source = new CancellationTokenSource();

        var pending = Alarm().Schedule(source, TimeSpan.FromDays(100 * 365));

        Assert.Null(pending);
        Assert.False(source.IsCancellationRequested);
    }

    [Fact]
    public async Task Fired_AfterItsSourceWasDisposed_IsIgnored_AndLaterDeadlinesStillFire()
    {
        var alarm = Alarm();
        var disposed = new CancellationTokenSource();
        using var later = new CancellationTokenSource();
        var laterFired = Fired(Stopwatch.GetTimestamp(), later.Token);

        _ = alarm.Schedule(disposed, TimeSpan.FromMilliseconds(50));
        disposed.Dispose(); // the invocation ended, but its deadline was not taken back
        _ = alarm.Schedule(later, TimeSpan.FromMilliseconds(300));

        await laterFired.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private static DeadlineAlarm Alarm()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The interval timer is used on Linux only.");
        return DeadlineAlarm.Shared ?? throw new InvalidOperationException("The interval timer or SIGALRM could not be had.");
    }

    private static Task<TimeSpan> Fired(long started, CancellationToken token)
    {
        var fired = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => fired.TrySetResult(Stopwatch.GetElapsedTime(started)));
        return fired.Task;
    }
}
