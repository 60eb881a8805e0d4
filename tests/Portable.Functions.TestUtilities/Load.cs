using System.Diagnostics;

namespace Portable.Functions.TestUtilities;

/// <summary>
/// A bounded load run for the load tests: a fixed number of requests spread over a fixed number of concurrent callers,
/// counting the answers that were not what was expected. It asserts nothing about time — performance is measured with
/// BenchmarkDotNet, never with timed tests — only that every answer was right and memory stayed bounded.
/// </summary>
public static class Load
{
    /// <summary>Sends <paramref name="total"/> requests through <paramref name="concurrency"/> callers, each sending one after another.</summary>
    /// <param name="total">How many requests in all.</param>
    /// <param name="concurrency">How many callers at once.</param>
    /// <param name="send">Sends request number <c>i</c>; returns <see langword="null"/> when the answer was right, else what was wrong.</param>
    /// <returns>What was wrong, one entry per wrong answer (empty when all were right).</returns>
    public static async Task<IReadOnlyList<string>> RunAsync(int total, int concurrency, Func<int, Task<string?>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var next = -1;
        var callers = new Task[concurrency];
        for (var c = 0; c < concurrency; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < total)
                {
                    try
                    {
                        if (await send(i).ConfigureAwait(false) is { } wrong)
                        {
                            errors.Enqueue($"#{i}: {wrong}");
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException or InvalidOperationException)
                    {
                        errors.Enqueue($"#{i}: {exception.GetType().Name}: {exception.Message}");
                    }
                }
            });
        }

        await Task.WhenAll(callers).ConfigureAwait(false);
        return [.. errors];
    }

    /// <summary>The process's working set after a full, compacting collection, in MiB: what the load left behind.</summary>
    /// <returns>The working set in MiB.</returns>
    public static long SettledWorkingSetMiB()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024 * 1024);
    }

    /// <summary>The managed heap after a full collection, in MiB: grows only if the load left objects reachable.</summary>
    /// <returns>The managed heap in MiB.</returns>
    public static long SettledManagedHeapMiB()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024);
    }
}
