namespace Portable.Functions;

/// <summary>Media types the library reads and writes.</summary>
public static class MediaTypes
{
    /// <summary><c>application/json</c>.</summary>
    public const string Json = "application/json";

    /// <summary><c>application/problem+json</c> (RFC 9457).</summary>
    public const string ProblemJson = "application/problem+json";

    /// <summary><c>application/cloudevents+json</c>: a structured-mode CloudEvent.</summary>
    public const string CloudEventJson = "application/cloudevents+json";

    /// <summary><c>application/cloudevents-batch+json</c>: a batch of structured-mode CloudEvents.</summary>
    public const string CloudEventBatchJson = "application/cloudevents-batch+json";

    /// <summary>Determines whether a <c>Content-Type</c> value denotes JSON (<c>application/json</c>, <c>text/json</c> or any <c>+json</c> suffix).</summary>
    /// <param name="contentType">The header value, parameters included.</param>
    /// <returns><see langword="true"/> when the media type is JSON.</returns>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = GetMediaType(contentType);
        return mediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Returns the media type of a <c>Content-Type</c> value without its parameters or surrounding white space.</summary>
    /// <param name="contentType">The header value.</param>
    /// <returns>The bare media type.</returns>
    public static ReadOnlySpan<char> GetMediaType(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        return (semicolon >= 0 ? span[..semicolon] : span).Trim();
    }
}
