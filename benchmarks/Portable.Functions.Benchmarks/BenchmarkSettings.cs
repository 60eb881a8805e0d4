using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Portable.Functions.Benchmarks;

/// <summary>Allocations on every benchmark; the job comes from the command line (the default job, or <c>--job short</c>).</summary>
public sealed class BenchmarkSettings : ManualConfig
{
    public BenchmarkSettings()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
