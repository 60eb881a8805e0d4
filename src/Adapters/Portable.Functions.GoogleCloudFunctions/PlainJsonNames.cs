using System.Text.Json;
using System.Text.Unicode;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// The property names of one JSON object level, kept as ranges of the document while a forward reading proves the
/// object "plain" (<see cref="LegacyEventConverter.IsPlainObject"/>, <see cref="GoogleEventData.TryUnwrapPlainPubSub"/>):
/// what a <c>JsonObject</c> read from the same text would take without unescaping a name or throwing.
/// </summary>
internal static class PlainJsonNames
{
    /// <summary>
    /// Records the property name the reader is on, unless it is escaped, not valid UTF-8, already seen at this level or
    /// one too many: a tree's object would unescape it, throw on the invalid text or the duplicate when it is read.
    /// </summary>
    /// <param name="json">The whole document the reader reads.</param>
    /// <param name="reader">The reader, on a property name.</param>
    /// <param name="names">The level's names so far, then room for more.</param>
    /// <param name="count">How many of <paramref name="names"/> are taken.</param>
    /// <returns><see langword="false"/> when the name is not plain or not new: the caller leaves the document to the tree.</returns>
    public static bool TryAdd(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, scoped Span<Range> names, ref int count)
    {
        var name = reader.ValueSpan;
        if (reader.ValueIsEscaped || count == names.Length || !Utf8.IsValid(name))
        {
            return false;
        }

        foreach (var seen in names[..count])
        {
            if (json[seen].SequenceEqual(name))
            {
                return false;
            }
        }

        var start = (int)reader.TokenStartIndex + 1; // past the opening quote
        names[count++] = new Range(start, start + name.Length);
        return true;
    }
}
