namespace Portable.Functions.TestUtilities;

/// <summary>
/// Holds every caller until <see cref="Expected"/> of them are inside at once: proves concurrency without timing,
/// since the calls can only finish if they run together.
/// </summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _allInside = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inside;

    /// <summary>Gets or sets how many callers must be inside before any may leave.</summary>
    /// <value>The default value is 4.</value>
    public int Expected { get; set; } = 4;

    /// <summary>Enters the gate and waits (at most 30 seconds) until all expected callers are inside.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when everybody is inside.</returns>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _inside) == Expected)
        {
            _allInside.TrySetResult();
        }

        await _allInside.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }
}
