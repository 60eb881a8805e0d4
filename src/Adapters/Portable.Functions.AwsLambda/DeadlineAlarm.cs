using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Fires invocations' deadline tokens from the process's real-time interval timer (<c>setitimer</c>, <c>SIGALRM</c>) on
/// Linux, instead of a <see cref="CancellationTokenSource"/> timer.
/// </summary>
/// <remarks>
/// <para>
/// The first timer a .NET process sets starts the timer thread and sizes the timer queues (a processor-id speed check
/// among them): measured, about a fifteenth of a Native AOT Lambda cold start, spent on the first invocation's path
/// (docs/benchmarks.md). The interval timer is one system call; the signal reaches
/// <see cref="PosixSignalRegistration"/>, whose handler runs on the thread pool — only when a deadline is actually
/// reached, which is the rare case. The signal handling it needs is already running: the runtime registers for
/// <c>SIGTERM</c> at start.
/// </para>
/// <para>
/// One process may serve several invocations at a time (Lambda Managed Instances, or several runtimes in one test
/// process): the pending deadlines are kept in a list and the timer is set for the earliest. A Lambda runtime owns its
/// process, so the process-wide timer and signal are its to use; a program that uses <c>SIGALRM</c> itself must not run
/// in it (docs/adapters/aws-lambda.md). Where the timer or the signal cannot be had, <see cref="Shared"/> is
/// <see langword="null"/> and the core times deadlines as on every other host.
/// </para>
/// </remarks>
internal sealed unsafe class DeadlineAlarm
{
    private const int SigAlrm = 14; // Linux, x64 and arm64
    private const int ItimerReal = 0;

    /// <summary>Deadlines further away than this are never fired, as with the core's own timer (about 49 days).</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly Lock _lock = new();
    private readonly List<Pending> _pending = [];
    private readonly delegate* unmanaged<int, long*, long*, int> _setitimer;
    private PosixSignalRegistration? _registration;
    private long _armedFor = long.MaxValue;

    private DeadlineAlarm(delegate* unmanaged<int, long*, long*, int> setitimer) => _setitimer = setitimer;

    /// <summary>Gets the process's alarm, or <see langword="null"/> where the interval timer or its signal cannot be used.</summary>
    public static DeadlineAlarm? Shared => Holder.Instance;

    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> unless <see cref="Unschedule"/> comes first.</summary>
    /// <returns>What <see cref="Unschedule"/> takes, or <see langword="null"/> when nothing was scheduled (the source is already cancelled, or the delay is beyond any timer).</returns>
    public Pending? Schedule(CancellationTokenSource source, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            source.Cancel();
            return null;
        }

        if (delay > MaxDelay)
        {
            return null;
        }

        var pending = new Pending(source, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
        lock (_lock)
        {
            _pending.Add(pending);
            if (pending.Due < _armedFor)
            {
                Arm(pending.Due);
            }
        }

        return pending;
    }

    /// <summary>Takes back a deadline that has not fired (the invocation ended first); a deadline that fired meanwhile is left as it is.</summary>
    public void Unschedule(Pending pending)
    {
        lock (_lock)
        {
            if (_pending.Remove(pending) && pending.Due == _armedFor)
            {
                ArmEarliest();
            }
        }
    }

    /// <summary><c>SIGALRM</c>, on a thread-pool thread: fires what is due, sets the timer for what remains.</summary>
    private void OnAlarm(PosixSignalContext context)
    {
        context.Cancel = true; // the signal's default action would end the process
        List<CancellationTokenSource>? due = null;
        lock (_lock)
        {
            // The timer never fires early; a tenth of a millisecond covers rounding to its microseconds.
            var now = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10_000);
            for (var i = _pending.Count - 1; i >= 0; i--)
            {
                if (_pending[i].Due <= now)
                {
                    (due ??= []).Add(_pending[i].Source);
                    _pending.RemoveAt(i);
                }
            }

            _armedFor = long.MaxValue;
            ArmEarliest();
        }

        if (due is null)
        {
            return;
        }

        foreach (var source in due)
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The invocation ended as its deadline came: nothing left to cancel.
            }
        }
    }

    private void ArmEarliest()
    {
        var earliest = long.MaxValue;
        foreach (var pending in _pending)
        {
            earliest = Math.Min(earliest, pending.Due);
        }

        if (earliest == long.MaxValue)
        {
            Set(0);
            _armedFor = long.MaxValue;
        }
        else
        {
            Arm(earliest);
        }
    }

    private void Arm(long due)
    {
        var microseconds = (due - Stopwatch.GetTimestamp()) * 1_000_000 / Stopwatch.Frequency;
        Set(Math.Max(1, microseconds)); // zero would disarm the timer
        _armedFor = due;
    }

    /// <summary><c>setitimer(ITIMER_REAL)</c>: one expiry after <paramref name="microseconds"/>, or none for 0.</summary>
    private void Set(long microseconds)
    {
        // struct itimerval { struct timeval it_interval; struct timeval it_value; }, each { tv_sec; tv_usec; } as longs.
        var value = stackalloc long[4];
        value[0] = 0;
        value[1] = 0;
        value[2] = microseconds / 1_000_000;
        value[3] = microseconds % 1_000_000;
        _ = _setitimer(ItimerReal, value, null);
    }

    /// <summary>A scheduled deadline.</summary>
    internal sealed class Pending(CancellationTokenSource source, long due)
    {
        public CancellationTokenSource Source { get; } = source;

        public long Due { get; } = due;
    }

    /// <summary>Creates the alarm on first use: the timer's function, then the signal's registration, kept for the process's lifetime.</summary>
    private static class Holder
    {
        public static readonly DeadlineAlarm? Instance = Create();

        private static DeadlineAlarm? Create()
        {
            if (!CLibrary.TryGetExport("setitimer", out var setitimer))
            {
                return null;
            }

            var alarm = new DeadlineAlarm((delegate* unmanaged<int, long*, long*, int>)setitimer);
            try
            {
                // Kept, never disposed: with no registration left, the signal's default action (ending the process) would return.
                alarm._registration = PosixSignalRegistration.Create((PosixSignal)SigAlrm, alarm.OnAlarm);
            }
            catch (Exception exception) when (exception is PlatformNotSupportedException or ArgumentOutOfRangeException or System.ComponentModel.Win32Exception)
            {
                return null;
            }

            return alarm;
        }
    }
}
