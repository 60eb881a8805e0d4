using System.Text.RegularExpressions;

namespace Portable.Functions.Packaging.Tests;

/// <summary>Fenced code blocks of a Markdown document.</summary>
public static partial class MarkdownCode
{
    /// <summary>Returns the contents of the fenced blocks of one language (<c>```csharp</c>), in document order.</summary>
    /// <param name="markdown">The document.</param>
    /// <param name="language">The info string's language, such as <c>csharp</c>.</param>
    /// <returns>Each block's text without its fences.</returns>
    public static IReadOnlyList<string> Blocks(string markdown, string language) =>
        [.. Fence().Matches(markdown.ReplaceLineEndings("\n"))
            .Where(match => string.Equals(match.Groups["language"].Value, language, StringComparison.OrdinalIgnoreCase))
            .Select(match => match.Groups["code"].Value)];

    /// <summary>Returns the level-2 headings (<c>## About</c>) of a document, in order.</summary>
    /// <param name="markdown">The document.</param>
    /// <returns>Each heading's text.</returns>
    public static IReadOnlyList<string> Sections(string markdown) =>
        [.. Heading().Matches(markdown.ReplaceLineEndings("\n")).Select(match => match.Groups["title"].Value.Trim())];

    [GeneratedRegex(@"^```(?<language>[A-Za-z0-9+#-]*)[^\n]*\n(?<code>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^## (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
