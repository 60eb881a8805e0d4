using System.Runtime.InteropServices;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Starts a thread with the C library's <c>pthread_create</c>, on another processor than the caller's, for start-up work
/// that runs beside the main thread.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Thread.Start()"/> waits, yielding the processor in a loop, until the new thread runs managed code. A thread
/// the C library starts is attached to the runtime by itself when it first calls managed code, while the caller goes on.
/// </para>
/// <para>
/// Left to itself, Linux often queues a new thread on its creator's processor; while the creator keeps it busy, the new
/// thread waits for the load balancer, which measured anywhere from 0.05 to 2.5 ms — longer than the work it was
/// started for. So the thread starts bound to another processor the process may use, and once running takes back the
/// process's whole set, free to move. With a single processor there is nothing to run beside the caller, and no thread
/// is started. Only where <see cref="CLibrary"/> applies; elsewhere the caller runs the work itself.
/// </para>
/// </remarks>
internal static unsafe class NativeThread
{
    /// <summary>The size of <c>cpu_set_t</c>: 1024 processors.</summary>
    private const int CpuSetBytes = 128;

    /// <summary><c>pthread_attr_t</c> is 56 bytes on x64 and 64 on arm64 (glibc; musl less): room for either.</summary>
    private const int AttributesBytes = 128;

    private static readonly Functions? CLibraryFunctions = Functions.Find();

    /// <summary>
    /// Runs <paramref name="work"/> on a new, detached thread on another processor. <paramref name="work"/> must not
    /// throw: an exception cannot leave the thread's entry point and would end the process.
    /// </summary>
    /// <returns><see langword="false"/> when no thread was started (not here, a single processor, or the C library refused).</returns>
    public static bool TryStart(Action work)
    {
        if (CLibraryFunctions is not { } c)
        {
            return false;
        }

        var allowed = new byte[CpuSetBytes];
        int other;
        fixed (byte* set = allowed)
        {
            if (c.GetAffinity(0, CpuSetBytes, set) != 0 || (other = OtherProcessor(set, c.GetCpu())) < 0)
            {
                return false;
            }
        }

        var target = stackalloc byte[CpuSetBytes];
        new Span<byte>(target, CpuSetBytes).Clear();
        target[other / 8] = (byte)(1 << (other % 8));
        var attributes = stackalloc byte[AttributesBytes];
        if (c.AttrInit(attributes) != 0)
        {
            return false;
        }

        var state = GCHandle.Alloc(new Start(work, allowed, c));
        try
        {
            _ = c.AttrSetAffinity(attributes, CpuSetBytes, target); // a hint: without it the thread still starts
            nuint thread;
            if (c.Create(&thread, attributes, &Run, GCHandle.ToIntPtr(state)) != 0)
            {
                state.Free();
                return false;
            }

            // Nobody joins it: its resources return to the system when it ends.
            _ = c.Detach(thread);
            return true;
        }
        finally
        {
            _ = c.AttrDestroy(attributes);
        }
    }

    /// <summary>The next processor after <paramref name="current"/> in <paramref name="set"/>, or -1 when it is the only one.</summary>
    private static int OtherProcessor(byte* set, int current)
    {
        for (var step = 1; step < CpuSetBytes * 8; step++)
        {
            var cpu = (Math.Max(current, 0) + step) % (CpuSetBytes * 8);
            if ((set[cpu / 8] & (1 << (cpu % 8))) != 0 && cpu != current)
            {
                return cpu;
            }
        }

        return -1;
    }

    [UnmanagedCallersOnly]
    private static nint Run(nint state)
    {
        var handle = GCHandle.FromIntPtr(state);
        var start = (Start)handle.Target!;
        handle.Free();
        fixed (byte* set = start.Allowed)
        {
            _ = start.Functions.SetAffinity(0, CpuSetBytes, set); // free to move again
        }

        start.Work();
        return 0;
    }

    private sealed record Start(Action Work, byte[] Allowed, Functions Functions);

    /// <summary>The C library's thread and scheduling functions.</summary>
    private sealed class Functions
    {
        public delegate* unmanaged<nuint*, void*, delegate* unmanaged<nint, nint>, nint, int> Create;
        public delegate* unmanaged<nuint, int> Detach;
        public delegate* unmanaged<void*, int> AttrInit;
        public delegate* unmanaged<void*, int> AttrDestroy;
        public delegate* unmanaged<void*, nuint, byte*, int> AttrSetAffinity;
        public delegate* unmanaged<int, nuint, byte*, int> GetAffinity;
        public delegate* unmanaged<int, nuint, byte*, int> SetAffinity;
        public delegate* unmanaged<int> GetCpu;

        public static Functions? Find()
        {
            if (!CLibrary.TryGetExport("pthread_create", out var create) || !CLibrary.TryGetExport("pthread_detach", out var detach) ||
                !CLibrary.TryGetExport("pthread_attr_init", out var attrInit) || !CLibrary.TryGetExport("pthread_attr_destroy", out var attrDestroy) ||
                !CLibrary.TryGetExport("pthread_attr_setaffinity_np", out var attrSetAffinity) ||
                !CLibrary.TryGetExport("sched_getaffinity", out var getAffinity) || !CLibrary.TryGetExport("sched_setaffinity", out var setAffinity) ||
                !CLibrary.TryGetExport("sched_getcpu", out var getCpu))
            {
                return null;
            }

            return new Functions
            {
                Create = (delegate* unmanaged<nuint*, void*, delegate* unmanaged<nint, nint>, nint, int>)create,
                Detach = (delegate* unmanaged<nuint, int>)detach,
                AttrInit = (delegate* unmanaged<void*, int>)attrInit,
                AttrDestroy = (delegate* unmanaged<void*, int>)attrDestroy,
                AttrSetAffinity = (delegate* unmanaged<void*, nuint, byte*, int>)attrSetAffinity,
                GetAffinity = (delegate* unmanaged<int, nuint, byte*, int>)getAffinity,
                SetAffinity = (delegate* unmanaged<int, nuint, byte*, int>)setAffinity,
                GetCpu = (delegate* unmanaged<int>)getCpu,
            };
        }
    }
}
