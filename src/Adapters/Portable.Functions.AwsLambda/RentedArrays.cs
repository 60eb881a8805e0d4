using System.Buffers;

namespace Portable.Functions.AwsLambda;

/// <summary>Where the runtime gives back the arrays it rents for a response or a record's data.</summary>
internal static class RentedArrays
{
    /// <summary>A rented array larger than this (a response or record of megabytes) is left to the collector rather than kept in the pool.</summary>
    public const int MaxKept = 1024 * 1024;

    /// <summary>Returns <paramref name="array"/> to the shared pool, unless it is too large to keep.</summary>
    public static void Return(byte[] array)
    {
#if DEBUG
        array.AsSpan().Fill((byte)'#'); // what is read after it was given back reads as garbage in tests, not by luck as itself
#endif
        if (array.Length <= MaxKept)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
