using System.Buffers;
using System.Net.Mime;

namespace Portable.Functions.Http;

/// <summary>
/// Reads the plain forms of two CloudEvent attribute values with spans, for <see cref="CloudEventRequestReader"/>'s
/// binary-mode fast path: what these accept, the SDK accepts too and reads to the same value; anything they do not
/// accept is left to the SDK, so that they never decide what is valid.
/// </summary>
internal static class CloudEventText
{
    /// <summary>The characters of a plain media type's tokens: all of them MIME token characters.</summary>
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._");

    /// <summary>The largest UTC offset the SDK (and <see cref="DateTimeOffset"/>) accepts, in minutes.</summary>
    private const int MaxOffsetMinutes = 14 * 60;

    /// <summary>
    /// Gets whether a media type is plainly valid: <c>type/subtype</c>, optionally with one <c>charset</c> parameter,
    /// of letters, digits and <c>+ - . _</c> only. <see cref="ContentType"/> accepts every such value (the SDK's check
    /// of <c>datacontenttype</c>), so it need not be asked.
    /// </summary>
    /// <param name="mediaType">The media type.</param>
    /// <returns><see langword="true"/> when the media type is plainly valid.</returns>
    public static bool IsPlainMediaType(ReadOnlySpan<char> mediaType)
    {
        var slash = mediaType.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var rest = mediaType[(slash + 1)..];
        var semicolon = rest.IndexOf(';');
        if (semicolon < 0)
        {
            return IsToken(mediaType[..slash]) && IsToken(rest);
        }

        var parameter = rest[(semicolon + 1)..];
        if (parameter.StartsWith(' '))
        {
            parameter = parameter[1..];
        }

        const string Charset = "charset=";
        return IsToken(mediaType[..slash])
            && IsToken(rest[..semicolon])
            && parameter.Length > Charset.Length
            && System.Text.Ascii.EqualsIgnoreCase(parameter[..Charset.Length], Charset)
            && IsToken(parameter[Charset.Length..]);

        static bool IsToken(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(TokenChars);
    }

    /// <summary>
    /// Parses the usual RFC 3339 timestamp — <c>yyyy-MM-ddTHH:mm:ss</c>, up to seven fraction digits, then <c>Z</c> or
    /// <c>±hh:mm</c> — to the value the SDK's own parser gives it (a date and time read exactly, at that offset),
    /// without its substring and its <see cref="DateTime.TryParseExact(string, string, IFormatProvider, System.Globalization.DateTimeStyles, out DateTime)"/>,
    /// which cost most of a binary-mode event's reading.
    /// </summary>
    /// <param name="text">The attribute value.</param>
    /// <param name="value">The timestamp.</param>
    /// <returns><see langword="false"/> when the value is not of the usual form or not a valid timestamp: the SDK decides.</returns>
    public static bool TryParsePlainTimestamp(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = text[19..];
        long fractionTicks = 0;
        if (rest[0] == '.')
        {
            var digits = rest[1..].IndexOfAnyExceptInRange('0', '9');
            if (digits is < 1 or > 7 || !TryDigits(rest.Slice(1, digits), out var fraction))
            {
                return false;
            }

            fractionTicks = fraction * (long)Math.Pow(10, 7 - digits);
            rest = rest[(1 + digits)..];
        }

        int offsetMinutes;
        if (rest is "Z")
        {
            offsetMinutes = 0;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && TryDigits(rest.Slice(1, 2), out var offsetHours) && TryDigits(rest.Slice(4, 2), out var minutes)
            && minutes < 60 && offsetHours * 60 + minutes <= MaxOffsetMinutes)
        {
            offsetMinutes = (offsetHours * 60 + minutes) * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second).AddTicks(fractionTicks);
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false; // DateTimeOffset refuses it; the SDK reports it
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Reads ASCII digits as a number.</summary>
    private static bool TryDigits(ReadOnlySpan<char> digits, out int number)
    {
        number = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = number * 10 + (c - '0');
        }

        return true;
    }
}
