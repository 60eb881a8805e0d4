using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Portable.Functions.Benchmarks.InvocationBenchmark).Assembly).Run(args);
