using System.Runtime.CompilerServices;

namespace Portable.Functions.Fuzz;

/// <summary>An input that made a target throw an error it does not document.</summary>
/// <param name="Origin">The seed file, or the mutation's number.</param>
/// <param name="Input">The input.</param>
/// <param name="Exception">What escaped.</param>
public sealed record FuzzFinding(string Origin, byte[] Input, Exception Exception)
{
    public override string ToString() =>
        $"{Origin}: {Exception.GetType().FullName}: {Exception.Message}{Environment.NewLine}input (base64): {Convert.ToBase64String(Input.AsSpan(0, Math.Min(Input.Length, 4096)))}{Environment.NewLine}{Exception.StackTrace}";
}

/// <summary>What a short run did.</summary>
public sealed record ShortRunResult(int SeedsRun, int MutationsRun, IReadOnlyList<FuzzFinding> Findings);

/// <summary>
/// The short, deterministic run <c>dotnet test</c> does: a target over every seed, then over mutations of the seeds
/// (<see cref="Mutator"/>) until the count or the time budget is reached, collecting what escapes.
/// </summary>
public static class ShortRun
{
    /// <summary>Loads a target's seed corpus (every file of its folder but the notes), in a stable order.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> LoadCorpus(string directory) =>
        [.. Directory.GetFiles(directory)
            .Where(file => !file.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileName(file), File.ReadAllBytes(file)))];

    /// <summary>Runs the target. Stops at the first ten findings.</summary>
    /// <param name="target">The target.</param>
    /// <param name="corpus">The seeds.</param>
    /// <param name="mutations">How many mutations at most.</param>
    /// <param name="budget">How long the mutations may take (the seeds are always all run).</param>
    /// <param name="seed">The mutator's seed.</param>
    /// <param name="current">Set to the input being run, so that a hang can be reported with it.</param>
    public static ShortRunResult Run(FuzzTarget target, IReadOnlyList<(string Name, byte[] Bytes)> corpus, int mutations, TimeSpan budget, int seed, StrongBox<byte[]>? current = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(corpus);
        var findings = new List<FuzzFinding>();
        foreach (var (name, bytes) in corpus)
        {
            Try(target, name, bytes, findings, current);
        }

        var mutator = new Mutator([.. corpus.Select(c => c.Bytes)], seed);
        var started = TimeProvider.System.GetTimestamp();
        var run = 0;
        while (run < mutations && findings.Count < 10 && TimeProvider.System.GetElapsedTime(started) < budget)
        {
            var input = mutator.Next();
            Try(target, $"mutation {run} (mutator seed {seed})", input, findings, current);
            run++;
        }

        return new ShortRunResult(corpus.Count, run, findings);
    }

    private static void Try(FuzzTarget target, string origin, byte[] input, List<FuzzFinding> findings, StrongBox<byte[]>? current)
    {
        if (current is not null)
        {
            Volatile.Write(ref current.Value, input);
        }

        try
        {
            target(input);
        }
#pragma warning disable CA1031 // Anything that escapes a target is the finding.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            findings.Add(new FuzzFinding(origin, input, exception));
        }
    }
}
