using System.Diagnostics;
using System.Text;

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

    /// <summary>
    /// The Greeter's <c>greet</c> under load over HTTP: <paramref name="total"/> POSTs of <c>{"name":"n&lt;i&gt;"}</c> to
    /// <c>/greet</c> spread over <paramref name="connections"/> connections, after one warm-up request per connection,
    /// each answer checked for its own name; this process's memory is measured, settled, before and after.
    /// </summary>
    /// <param name="address">The host's base address.</param>
    /// <param name="total">How many requests in all.</param>
    /// <param name="connections">How many connections, each used by one caller at a time.</param>
    /// <returns>The wrong answers and the memory.</returns>
    public static async Task<LoadReport> GreetOverHttpAsync(Uri address, int total = 10_000, int connections = 64)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        for (var i = 0; i < connections; i++)
        {
            using var response = await client.PostAsync("/greet", Greet("warm")).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }

        var before = SettledWorkingSetMiB();
        var heapBefore = SettledManagedHeapMiB();

        var errors = await RunAsync(total, connections, async i =>
        {
            using var response = await client.PostAsync("/greet", Greet("n" + i)).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return (int)response.StatusCode == 200 && body == $$"""{"message":"Hello, n{{i}}!"}""" ? null : $"{(int)response.StatusCode} {body}";
        }).ConfigureAwait(false);

        return new LoadReport(errors, before, SettledWorkingSetMiB(), heapBefore, SettledManagedHeapMiB());

        static StringContent Greet(string name) => new($$"""{"name":"{{name}}"}""", Encoding.UTF8, "application/json");
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

/// <summary>What a load run found: the wrong answers, and this process's settled memory before and after, in MiB.</summary>
/// <param name="Errors">The wrong answers (empty when all were right).</param>
/// <param name="WorkingSetBeforeMiB">The working set before the run.</param>
/// <param name="WorkingSetAfterMiB">The working set after the run.</param>
/// <param name="HeapBeforeMiB">The managed heap before the run.</param>
/// <param name="HeapAfterMiB">The managed heap after the run.</param>
public sealed record LoadReport(IReadOnlyList<string> Errors, long WorkingSetBeforeMiB, long WorkingSetAfterMiB, long HeapBeforeMiB, long HeapAfterMiB)
{
    /// <summary>The memory, as the load tests write it to their output.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"working set {WorkingSetBeforeMiB} MiB before, {WorkingSetAfterMiB} MiB after; managed heap {HeapBeforeMiB} MiB before, {HeapAfterMiB} MiB after";
}
