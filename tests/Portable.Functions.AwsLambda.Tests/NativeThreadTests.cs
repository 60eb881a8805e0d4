namespace Portable.Functions.AwsLambda.Tests;

/// <summary>Start-up work on a thread of the C library (Linux), beside the caller.</summary>
public sealed class NativeThreadTests
{
    [Fact]
    public async Task TryStart_RunsTheWorkOnAnotherThread_FreeToRunOnEveryProcessorTheProcessMay()
    {
        Assert.SkipUnless(CLibrary.IsSupported, "The C library's threads are used on Linux x64 and arm64 only.");
        var allowed = AllowedProcessors();
        Assert.SkipWhen(allowed.Count < 2, "A single processor: nothing runs beside the caller.");
        var caller = Environment.CurrentManagedThreadId;
        var done = new TaskCompletionSource<(int Thread, HashSet<int> Allowed)>(TaskCreationOptions.RunContinuationsAsynchronously);

        var started = NativeThread.TryStart(() => done.SetResult((Environment.CurrentManagedThreadId, AllowedProcessors())));
        var (thread, threadAllowed) = await done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(started);
        Assert.NotEqual(caller, thread);
        Assert.Equal(allowed.Order(), threadAllowed.Order()); // started bound to another processor, then free to move
    }

    [Fact]
    public async Task TryStart_ManyAtOnce_EveryWorkRunsOnce()
    {
        Assert.SkipUnless(CLibrary.IsSupported, "The C library's threads are used on Linux x64 and arm64 only.");
        Assert.SkipWhen(AllowedProcessors().Count < 2, "A single processor: nothing runs beside the caller.");
        var runs = new int[64];
        var remaining = runs.Length;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        for (var i = 0; i < runs.Length; i++)
        {
            var index = i;
            Assert.True(NativeThread.TryStart(() =>
            {
                Interlocked.Increment(ref runs[index]);
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    done.SetResult();
                }
            }));
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.All(runs, count => Assert.Equal(1, count));
    }

    /// <summary>The processors the calling thread may run on (<c>Cpus_allowed_list</c>, e.g. <c>0-3,6</c>).</summary>
    private static HashSet<int> AllowedProcessors()
    {
        var line = File.ReadLines("/proc/thread-self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        var processors = new HashSet<int>();
        foreach (var range in line["Cpus_allowed_list:".Length..].Trim().Split(','))
        {
            var bounds = range.Split('-');
            var first = int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
            var last = bounds.Length > 1 ? int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) : first;
            for (var cpu = first; cpu <= last; cpu++)
            {
                processors.Add(cpu);
            }
        }

        return processors;
    }
}
