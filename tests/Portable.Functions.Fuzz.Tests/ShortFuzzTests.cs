using System.Runtime.CompilerServices;
using Portable.Functions.Fuzz;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Fuzz.Tests;

/// <summary>
/// The short fuzz run of every SharpFuzz target (the long one, under AFL++ or libFuzzer, is in docs/testing.md): its
/// whole seed corpus, then up to 5,000 deterministic mutations of the seeds within a few seconds. Only the errors each
/// target documents may escape; anything else, or a target that does not return, fails with the input in base64.
/// </summary>
public sealed class ShortFuzzTests
{
    private const int MutatorSeed = 20261202;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Target_SeedCorpusAndMutations_OnlyDocumentedErrorsEscape(string name)
    {
        var corpus = ShortRun.LoadCorpus(CorpusOf(name));
        var current = new StrongBox<byte[]>([]);

        var run = Task.Run(() => ShortRun.Run(FuzzTargets.All[name], corpus, mutations: 5000, budget: TimeSpan.FromSeconds(4), MutatorSeed, current), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken));

        Assert.True(finished == run, $"Target '{name}' did not return; the input it was on (base64): {Convert.ToBase64String(Volatile.Read(ref current.Value!))}");
        var result = await run;
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {result.SeedsRun} seeds, {result.MutationsRun} mutations");
        Assert.True(result.Findings.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, result.Findings));
        Assert.True(result.MutationsRun > 0);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryTarget_HasSeedsThatItsTargetAccepts(string name)
    {
        var corpus = ShortRun.LoadCorpus(CorpusOf(name));

        Assert.NotEmpty(corpus);
        Assert.Empty(ShortRun.Run(FuzzTargets.All[name], corpus, mutations: 0, TimeSpan.Zero, MutatorSeed).Findings);
    }

    [Fact]
    public void Run_ATargetThatThrowsAnUndocumentedError_ReportsTheInput()
    {
        // The harness itself: a "decoder" that breaks on a byte the mutator's inputs contain must be caught.
        var corpus = ShortRun.LoadCorpus(CorpusOf("aws-event"));
        FuzzTarget broken = input =>
        {
            if (input.IndexOf((byte)'}') < 0)
            {
                throw new InvalidOperationException("no closing brace");
            }
        };

        var result = ShortRun.Run(broken, corpus, mutations: 5000, TimeSpan.FromSeconds(10), MutatorSeed);

        var finding = Assert.IsType<InvalidOperationException>(result.Findings[0].Exception);
        Assert.Equal("no closing brace", finding.Message);
        Assert.DoesNotContain((byte)'}', result.Findings[0].Input);
    }

    [Fact]
    public void Mutator_SameSeed_GivesTheSameInputs()
    {
        byte[][] seeds = ["""{"a":[1,2,3]}"""u8.ToArray(), """{"b":"x"}"""u8.ToArray()];
        var first = new Mutator(seeds, 7);
        var second = new Mutator(seeds, 7);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(first.Next(), second.Next());
        }
    }

    private static string CorpusOf(string target) => Path.Combine(RepositoryPaths.Root, "tests", "Portable.Functions.Fuzz", "corpus", target);
}
