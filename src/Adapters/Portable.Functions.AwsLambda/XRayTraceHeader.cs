using System.Buffers;

namespace Portable.Functions.AwsLambda;

/// <summary>Converts the X-Ray trace header to a W3C <c>traceparent</c>.</summary>
internal static class XRayTraceHeader
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// Converts <c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c> to
    /// <c>00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01</c>.
    /// </summary>
    /// <returns>The <c>traceparent</c>, or <see langword="null"/> when the header has no valid root and parent.</returns>
    public static string? ToTraceParent(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        if (IsCanonical(header))
        {
            return Compose(header.AsSpan(7, 8), header.AsSpan(16, 24), header.AsSpan(48, 16), header[73] == '1');
        }

        ReadOnlySpan<char> root = default, parent = default;
        var sampled = false;
        foreach (var range in header.AsSpan().Split(';'))
        {
            var part = header.AsSpan(range).Trim();
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("Root", StringComparison.OrdinalIgnoreCase))
            {
                root = value;
            }
            else if (key.Equals("Parent", StringComparison.OrdinalIgnoreCase))
            {
                parent = value;
            }
            else if (key.Equals("Sampled", StringComparison.OrdinalIgnoreCase))
            {
                sampled = value.SequenceEqual("1");
            }
        }

        // Root = "1-" + 8 hex digits (epoch seconds) + "-" + 24 hex digits.
        if (root.Length != 35 || !root.StartsWith("1-") || root[10] != '-' || parent.Length != 16)
        {
            return null;
        }

        var epoch = root.Slice(2, 8);
        var unique = root.Slice(11, 24);
        if (!IsLowerHex(epoch) || !IsLowerHex(unique) || !IsLowerHex(parent) || parent.SequenceEqual("0000000000000000"))
        {
            return null;
        }

        return Compose(epoch, unique, parent, sampled);
    }

    // The header as the Runtime API sends it, read at fixed places without splitting it: Root first, then Parent and
    // Sampled, each valid, and nothing after them (such as a Lineage) that names any of the three again — the general
    // reading takes the last of a repeated name, so such a header goes to it.
    private static bool IsCanonical(string header)
    {
        // Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1
        const int Length = 74;
        if (header.Length < Length || !header.StartsWith("Root=1-", StringComparison.Ordinal) || header[15] != '-'
            || !header.AsSpan(40, 8).SequenceEqual(";Parent=") || !header.AsSpan(64, 9).SequenceEqual(";Sampled=") || header[73] is not ('0' or '1'))
        {
            return false;
        }

        if (header.Length > Length)
        {
            var rest = header.AsSpan(Length);
            if (rest[0] != ';' || rest.Contains("root", StringComparison.OrdinalIgnoreCase) || rest.Contains("parent", StringComparison.OrdinalIgnoreCase)
                || rest.Contains("sampled", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return IsLowerHex(header.AsSpan(7, 8)) && IsLowerHex(header.AsSpan(16, 24)) && IsLowerHex(header.AsSpan(48, 16))
            && !header.AsSpan(48, 16).SequenceEqual("0000000000000000");
    }

    private static string Compose(ReadOnlySpan<char> epoch, ReadOnlySpan<char> unique, ReadOnlySpan<char> parent, bool sampled)
    {
        // Composed on the stack: the traceparent is the one string allocated (every invocation converts its header).
        Span<char> traceParent = stackalloc char[55];
        "00-".CopyTo(traceParent);
        epoch.CopyTo(traceParent[3..]);
        unique.CopyTo(traceParent[11..]);
        traceParent[35] = '-';
        parent.CopyTo(traceParent[36..]);
        (sampled ? "-01" : "-00").CopyTo(traceParent[52..]);
        return new string(traceParent);
    }

    private static bool IsLowerHex(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(LowerHex);
}
