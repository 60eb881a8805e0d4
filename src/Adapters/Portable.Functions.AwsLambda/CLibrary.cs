using System.Runtime.InteropServices;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The C library's functions, found in the process's global symbol scope (glibc or musl, JIT or Native AOT alike; no
/// library name to probe), for the runtime's calls that .NET would wrap in machinery a cold start does not need
/// (<see cref="NativeSocket"/>, <see cref="DeadlineAlarm"/>). Only on Linux x64 and arm64, whose constants and
/// structure layouts those callers use.
/// </summary>
internal static class CLibrary
{
    /// <summary>Gets a value indicating whether the callers' constants apply here: Linux on x64 or arm64.</summary>
    public static bool IsSupported { get; } =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>The process's global symbol scope (<c>dlopen(NULL)</c>), looked up once.</summary>
    private static readonly nint MainProgram = IsSupported ? NativeLibrary.GetMainProgramHandle() : 0;

    /// <summary>The address of <paramref name="name"/>, where <see cref="IsSupported"/> and the symbol is found.</summary>
    public static bool TryGetExport(string name, out nint address)
    {
        address = 0;
        return IsSupported && NativeLibrary.TryGetExport(MainProgram, name, out address);
    }
}
