namespace Portable.Functions.Fuzz;

/// <summary>
/// A small deterministic mutator for the short run in <c>dotnet test</c> (AFL++ and libFuzzer bring their own): bit
/// flips, truncations, byte insertions and deletions, JSON-meaningful tokens, repeated slices and splices of two seeds.
/// The same seed gives the same inputs on every machine (<see cref="Random"/> with a seed is stable).
/// </summary>
public sealed class Mutator
{
    private static readonly byte[][] Tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ":"u8.ToArray(), ","u8.ToArray(),
        "\\"u8.ToArray(), "\\u"u8.ToArray(), "\\ud800"u8.ToArray(), "null"u8.ToArray(), "true"u8.ToArray(), "0"u8.ToArray(),
        "-1"u8.ToArray(), "1e400"u8.ToArray(), "99999999999999999999"u8.ToArray(), "\"\""u8.ToArray(), "{}"u8.ToArray(),
        "[]"u8.ToArray(), "%"u8.ToArray(), "%zz"u8.ToArray(), "="u8.ToArray(), "=="u8.ToArray(), "\"Records\""u8.ToArray(),
        "\"body\""u8.ToArray(), "\"data\""u8.ToArray(), "\"id\""u8.ToArray(), "\"specversion\""u8.ToArray(), [0x00], [0xFF],
        [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF],
    ];

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;

    public Mutator(IReadOnlyList<byte[]> seeds, int seed)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        }

        _seeds = seeds;
        _random = new Random(seed);
    }

    /// <summary>Returns a mutation of a seed: one to four edits, sometimes after a splice with another seed.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(_seeds[_random.Next(_seeds.Count)]);
        var edits = 1 + _random.Next(4);
        for (var i = 0; i < edits; i++)
        {
            Edit(data);
        }

        return [.. data];
    }

    private void Edit(List<byte> data)
    {
        var at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(8))
        {
            case 0 when data.Count > 0: // flip one bit
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1: // truncate
                data.RemoveRange(at, data.Count - at);
                break;
            case 2: // insert a random byte
                data.Insert(at, (byte)_random.Next(256));
                break;
            case 3 when data.Count > 0: // delete a run
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(16)));
                break;
            case 4: // insert a token that means something to a JSON or URL decoder
                data.InsertRange(at, Tokens[_random.Next(Tokens.Length)]);
                break;
            case 5 when data.Count > 0: // overwrite one byte with a token's first byte
                data[at] = Tokens[_random.Next(Tokens.Length)][0];
                break;
            case 6 when data.Count > 0: // repeat a slice
                var length = Math.Min(data.Count - at, 1 + _random.Next(64));
                data.InsertRange(at, data.GetRange(at, length));
                break;
            default: // splice: this input's head with another seed's tail
                var other = _seeds[_random.Next(_seeds.Count)];
                var from = other.Length == 0 ? 0 : _random.Next(other.Length);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
        }
    }
}
