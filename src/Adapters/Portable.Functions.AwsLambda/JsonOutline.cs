using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The outline of JSON text: an object's member names with the extent of each value, an array's elements. A value's
/// end is found by its strings (searched for their closing quote) and brackets, without reading or validating what is
/// inside, so the outline of text that is not valid JSON may be wrong; whoever uses it reads the text properly next.
/// A name with an escape, a comment, or anything else it does not follow ends the enumeration with
/// <c>Failed</c> set.
/// </summary>
internal static class JsonOutline
{
    // What a member name's end is looked for by: its closing quote, or an escape (a name with one ends the outline).
    private static readonly SearchValues<byte> QuoteOrEscape = SearchValues.Create("\"\\"u8);

    // What ends a number, true, false or null.
    private static readonly SearchValues<byte> ScalarEnd = SearchValues.Create(",}] \t\r\n/"u8);

    /// <summary>Starts reading the members of the object <paramref name="json"/> holds (after any whitespace).</summary>
    public static bool TryOpenObject(ReadOnlySpan<byte> json, out Members members)
    {
        var i = SkipWhitespace(json, 0);
        members = new Members(json, i + 1);
        return i < json.Length && json[i] == (byte)'{';
    }

    /// <summary>Starts reading the elements of the array <paramref name="json"/> holds (after any whitespace).</summary>
    public static bool TryOpenArray(ReadOnlySpan<byte> json, out Elements elements)
    {
        var i = SkipWhitespace(json, 0);
        elements = new Elements(json, i + 1);
        return i < json.Length && json[i] == (byte)'[';
    }

    /// <summary>An object's members, in order: each name (unescaped: a name with an escape fails) and its value's text.</summary>
    internal ref struct Members
    {
        private readonly ReadOnlySpan<byte> _json;
        private int _next;
        private bool _started;
        private bool _ended;

        public Members(ReadOnlySpan<byte> json, int next)
        {
            _json = json;
            _next = next;
        }

        /// <summary>Whether the enumeration stopped at something it does not follow rather than at the object's end.</summary>
        public bool Failed { get; private set; }

        public bool MoveNext(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        {
            name = default;
            value = default;
            if (_ended)
            {
                return false;
            }

            var i = NextItem(_json, _next, (byte)'}', ref _started, out var end);
            if (end || i < 0 || _json[i] != (byte)'"')
            {
                return Stop(!end);
            }

            var length = _json[(i + 1)..].IndexOfAny(QuoteOrEscape);
            if (length < 0 || _json[i + 1 + length] != (byte)'"')
            {
                return Stop(failed: true);
            }

            name = _json.Slice(i + 1, length);
            i = SkipWhitespace(_json, i + length + 2);
            if (i >= _json.Length || _json[i] != (byte)':')
            {
                return Stop(failed: true);
            }

            var start = SkipWhitespace(_json, i + 1);
            var after = SkipValue(_json, start);
            if (after < 0)
            {
                return Stop(failed: true);
            }

            value = _json[start..after];
            _next = after;
            return true;
        }

        private bool Stop(bool failed)
        {
            _ended = true;
            Failed = failed;
            return false;
        }
    }

    /// <summary>An array's elements, in order, each as its value's text.</summary>
    internal ref struct Elements
    {
        private readonly ReadOnlySpan<byte> _json;
        private int _next;
        private bool _started;
        private bool _ended;

        public Elements(ReadOnlySpan<byte> json, int next)
        {
            _json = json;
            _next = next;
        }

        /// <summary>Whether the enumeration stopped at something it does not follow rather than at the array's end.</summary>
        public bool Failed { get; private set; }

        public bool MoveNext(out ReadOnlySpan<byte> element)
        {
            element = default;
            if (_ended)
            {
                return false;
            }

            var i = NextItem(_json, _next, (byte)']', ref _started, out var end);
            var after = end || i < 0 ? -1 : SkipValue(_json, i);
            if (after < 0)
            {
                _ended = true;
                Failed = !end;
                return false;
            }

            element = _json[i..after];
            _next = after;
            return true;
        }
    }

    // The index of the next item's first byte after the previous one (or the opening bracket), past the comma between
    // them; -1 when what follows is neither an item nor the closing bracket; `end` at the closing bracket.
    private static int NextItem(ReadOnlySpan<byte> json, int i, byte close, ref bool started, out bool end)
    {
        i = SkipWhitespace(json, i);
        end = i < json.Length && json[i] == close;
        if (end || i >= json.Length)
        {
            return end ? i : -1;
        }

        if (started)
        {
            if (json[i] != (byte)',')
            {
                return -1;
            }

            i = SkipWhitespace(json, i + 1);
        }

        started = true;
        return i < json.Length ? i : -1;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    // The index after the value that starts at i, or -1 when it is cut short, holds a comment, or does not start as a
    // value does.
    private static int SkipValue(ReadOnlySpan<byte> json, int i)
    {
        if (i >= json.Length)
        {
            return -1;
        }

        switch (json[i])
        {
            case (byte)'"':
                return SkipString(json, i);
            case (byte)'{' or (byte)'[':
                // Between strings a container holds a few bytes of punctuation, numbers and literals: read one by one;
                // a string's text is searched for its end.
                var depth = 0;
                while (i < json.Length)
                {
                    switch (json[i])
                    {
                        case (byte)'"':
                            i = SkipString(json, i);
                            if (i < 0)
                            {
                                return -1;
                            }

                            continue;
                        case (byte)'{' or (byte)'[':
                            depth++;
                            break;
                        case (byte)'}' or (byte)']':
                            if (--depth == 0)
                            {
                                return i + 1;
                            }

                            break;
                        case (byte)'/':
                            return -1;
                    }

                    i++;
                }

                return -1;
            case (byte)',' or (byte)'}' or (byte)']' or (byte)':' or (byte)'/':
                return -1;
            default:
                var end = json[i..].IndexOfAny(ScalarEnd);
                return end < 0 || json[i + end] == (byte)'/' ? -1 : i + end;
        }
    }

    // The index after the string whose opening quote is at i, or -1 when it is not closed. Most strings (names, short
    // values) close within their first sixteen bytes, before any backslash: one look at them tells. A longer text is
    // looked at 64 bytes at a time without taking its escapes one by one — an escaped document (an HTTP body, an SQS
    // message) has one every few bytes: which bytes a backslash escapes is worked out for the whole chunk from the runs
    // of backslashes in it (see Escaped), and the first quote left is the closing one. The last bytes, too few for a
    // chunk, are looked at sixteen at a time, their quotes and backslashes taken in order.
    private static int SkipString(ReadOnlySpan<byte> json, int i)
    {
        i++;
        var escaped = -1; // the index of the byte the last backslash escapes
        if (Vector128.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(json);
            if (i <= json.Length - Vector128<byte>.Count)
            {
                var block = Vector128.LoadUnsafe(ref first, (nuint)i);
                var quotes = Vector128.Equals(block, Vector128.Create((byte)'"')).ExtractMostSignificantBits();
                var backslashes = Vector128.Equals(block, Vector128.Create((byte)'\\')).ExtractMostSignificantBits();
                if (quotes != 0 && (backslashes & ((quotes & (0u - quotes)) - 1)) == 0)
                {
                    return i + BitOperations.TrailingZeroCount(quotes) + 1; // a quote before any backslash
                }
            }

            var carry = 0UL; // 1 when the chunk's first byte is escaped by a run of backslashes that ended the chunk before
            for (; i <= json.Length - 64; i += 64)
            {
                ulong quotes = 0, backslashes = 0;
                for (var k = 0; k < 64; k += Vector128<byte>.Count)
                {
                    var block = Vector128.LoadUnsafe(ref first, (nuint)(i + k));
                    quotes |= (ulong)Vector128.Equals(block, Vector128.Create((byte)'"')).ExtractMostSignificantBits() << k;
                    backslashes |= (ulong)Vector128.Equals(block, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << k;
                }

                var closing = quotes & ~Escaped(backslashes, ref carry);
                if (closing != 0)
                {
                    return i + BitOperations.TrailingZeroCount(closing) + 1;
                }
            }

            escaped = carry != 0 ? i : -1;
            for (; i <= json.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var block = Vector128.LoadUnsafe(ref first, (nuint)i);
                var marks = (Vector128.Equals(block, Vector128.Create((byte)'"')) | Vector128.Equals(block, Vector128.Create((byte)'\\')))
                    .ExtractMostSignificantBits();
                while (marks != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(marks);
                    marks &= marks - 1;
                    if (at == escaped)
                    {
                        continue;
                    }

                    if (json[at] == (byte)'"')
                    {
                        return at + 1;
                    }

                    escaped = at + 1;
                }
            }
        }

        for (; i < json.Length; i++)
        {
            if (i == escaped)
            {
                continue;
            }

            switch (json[i])
            {
                case (byte)'"':
                    return i + 1;
                case (byte)'\\':
                    escaped = i + 1;
                    break;
            }
        }

        return -1;
    }

    // The bytes of a 64-byte chunk other than backslashes that a backslash escapes, bit k for byte k (a backslash's own
    // bit says nothing: only whether a quote is escaped matters): the byte after each run of backslashes of odd length,
    // and the first byte when the run that ended the chunk before was odd (`carry`, set here for the next chunk).
    // Adding a run's first bit to the run carries through it into the byte after it; that byte's index is odd for a run
    // of odd length that starts at an even index, and even for one that starts at an odd index, so the two kinds of run
    // are added separately. A run that reaches the chunk's end carries out of the sum, and escapes the next chunk's
    // first byte when it started at an odd index (64 less an odd index is odd).
    internal static ulong Escaped(ulong backslashes, ref ulong carry)
    {
        const ulong EvenBits = 0x5555_5555_5555_5555;
        var carryIn = carry;
        var runs = backslashes & ~carryIn; // an escaped first byte is text, a backslash too: it starts no run
        var starts = runs & ~(runs << 1);
        var afterEven = (runs + (starts & EvenBits)) & ~runs;
        var oddSum = runs + (starts & ~EvenBits);
        carry = oddSum < runs ? 1UL : 0UL;
        return (afterEven & ~EvenBits) | (oddSum & ~runs & EvenBits) | carryIn;
    }
}
