using Portable.Functions.Fuzz;
using SharpFuzz;

// Fuzz <target>              AFL++ (afl-fuzz runs this, instrumented by the sharpfuzz tool), input on the forkserver's stream
// Fuzz <target> --libfuzzer  libFuzzer (libfuzzer-dotnet runs this)
// Fuzz list                  the targets
if (args.Length == 0 || args[0] == "list" || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine(args.Length == 0 || args[0] == "list" ? "Targets:" : $"Unknown target '{args[0]}'. Targets:");
    foreach (var name in FuzzTargets.All.Keys)
    {
        Console.Error.WriteLine("  " + name);
    }

    return args.Length > 0 && args[0] == "list" ? 0 : 2;
}

if (args.Length > 1 && args[1] == "--libfuzzer")
{
    Fuzzer.LibFuzzer.Run(span => target(span));
}
else
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
}

return 0;
