namespace Portable.Functions;

/// <summary>Media types the core reads and writes.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";

    public const string ProblemJson = "application/problem+json";

    /// <summary>Whether a <c>Content-Type</c> value denotes JSON (<c>application/json</c>, <c>text/json</c> or any <c>+json</c> suffix).</summary>
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

    /// <summary>
    /// Whether a body of this type is read as JSON by a function with a JSON-bound type: JSON media types, no type at
    /// all, <c>text/plain</c> and <c>application/x-www-form-urlencoded</c> (what <c>curl -d</c> sends), as long as the
    /// body is JSON. Any other declared type — XML, multipart forms, octet streams — is refused with 415.
    /// </summary>
    public static bool IsReadableAsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || IsJson(contentType))
        {
            return true;
        }

        var mediaType = GetMediaType(contentType);
        return mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The media type of a <c>Content-Type</c> value without its parameters or surrounding white space.</summary>
    public static ReadOnlySpan<char> GetMediaType(string contentType)
    {
        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        return (semicolon >= 0 ? span[..semicolon] : span).Trim();
    }
}
