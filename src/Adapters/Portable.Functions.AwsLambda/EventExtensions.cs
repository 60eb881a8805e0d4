using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// A record's CloudEvents extension attributes, as <see cref="FunctionEventEnvelope.Extensions"/>: in the order they
/// were added, the first value of a name kept. A record has a handful (an SQS message's region and system attributes,
/// a Kinesis record's partition key and sequence number), so they are kept as pairs in one array and found by comparing
/// names in order, without a hash table per record; past <see cref="MaxListed"/> names (message attributes are the
/// sender's to choose) a dictionary indexes them, so neither adding nor looking up grows with the square of their number.
/// </summary>
internal sealed class EventExtensions : IReadOnlyDictionary<string, string>
{
    /// <summary>The most names found by comparing them in order.</summary>
    internal const int MaxListed = 16;

    private KeyValuePair<string, string>[] _items;
    private int _count;
    private Dictionary<string, string>? _index;

    /// <summary>Creates an empty set with room for <paramref name="capacity"/> names before it grows.</summary>
    public EventExtensions(int capacity)
    {
        _items = capacity > 0 ? new KeyValuePair<string, string>[capacity] : [];
    }

    public int Count => _count;

    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                yield return _items[i].Key;
            }
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                yield return _items[i].Value;
            }
        }
    }

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The event has no extension '{key}'.");

    /// <summary>Adds a name unless it is already there (the first value wins, as <see cref="Dictionary{TKey, TValue}.TryAdd"/>).</summary>
    /// <returns>Whether it was added.</returns>
    public bool TryAdd(string name, string value)
    {
        if (ContainsKey(name))
        {
            return false;
        }

        if (_count == _items.Length)
        {
            Array.Resize(ref _items, Math.Max(4, _count * 2));
        }

        _items[_count++] = new KeyValuePair<string, string>(name, value);
        if (_index is not null)
        {
            _index.Add(name, value);
        }
        else if (_count > MaxListed)
        {
            _index = new Dictionary<string, string>(_count * 2, StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                _index.Add(_items[i].Key, _items[i].Value);
            }
        }

        return true;
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_index is not null)
        {
            return _index.TryGetValue(key, out value);
        }

        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_items[i].Key, key, StringComparison.Ordinal))
            {
                value = _items[i].Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
