using Portable.Functions.TestUtilities;

namespace Portable.Functions.Packaging.Tests;

/// <summary>
/// Every package's PACKAGE.md (the readme a feed shows): it exists, has the sections users look for, and its C#
/// compiles. The core's snippet is the user's function library; the other packages' snippets are compiled with it,
/// as an entry or test project that references that library would be.
/// </summary>
public sealed class PackageReadmeTests
{
    private static readonly string[] ExpectedSections = ["About", "How to use", "Additional documentation"];

    [Fact]
    public void ShippedPackages_AreEveryProjectUnderSrc()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(path)!).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(ShippedPackages.All.Values.Order(StringComparer.Ordinal), projects);
    }

    [Theory]
    [MemberData(nameof(ShippedPackages.Ids), MemberType = typeof(ShippedPackages))]
    public void Readme_OfEveryPackage_HasAboutHowToUseAndAdditionalDocumentation(string packageId)
    {
        var readme = Readme(packageId);

        Assert.StartsWith($"# {packageId}\n", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(ExpectedSections, MarkdownCode.Sections(readme));
    }

    [Theory]
    [MemberData(nameof(ShippedPackages.LibraryIds), MemberType = typeof(ShippedPackages))]
    public void Readme_CSharpSnippets_CompileWithoutWarnings(string packageId)
    {
        var snippets = MarkdownCode.Blocks(Readme(packageId), "csharp");
        string[] support = packageId == ShippedPackages.Core ? [] : [.. MarkdownCode.Blocks(Readme(ShippedPackages.Core), "csharp")];

        Assert.NotEmpty(snippets);
        for (var i = 0; i < snippets.Count; i++)
        {
            var diagnostics = SnippetCompiler.Compile($"{packageId}/PACKAGE.md#{i + 1}", snippets[i], support);
            Assert.True(diagnostics.Count == 0, string.Join(Environment.NewLine, diagnostics));
        }
    }

    [Fact]
    public void Compile_SnippetThatCallsAMissingMember_ReportsTheError()
    {
        var diagnostics = SnippetCompiler.Compile("broken.cs", "services.AddMyFunctions();", MarkdownCode.Blocks(Readme(ShippedPackages.Core), "csharp"));

        Assert.Contains(diagnostics, diagnostic => diagnostic.Contains("CS0103", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_JsonContextWithoutItsGenerator_WouldNotCompile_SoTheGeneratorRuns()
    {
        // A partial context compiles only when the JSON source generator fills it in.
        const string Code = """
            using System.Text.Json.Serialization;
            [JsonSerializable(typeof(int))]
            public sealed partial class NumberContext : JsonSerializerContext;
            public static class Use { public static object Info => NumberContext.Default.Int32; }
            """;

        Assert.Empty(SnippetCompiler.Compile("json.cs", Code));
    }

    [Fact]
    public void Blocks_FencedBlocksOfSeveralLanguages_ReturnsOnlyTheAskedLanguage()
    {
        const string Markdown = "# T\n\n```xml\n<a/>\n```\n\ntext\n\n```csharp\nvar x = 1;\n```\n\n```bash\nls\n```\n";

        Assert.Equal(["var x = 1;\n"], MarkdownCode.Blocks(Markdown, "csharp"));
    }

    private static string Readme(string packageId) =>
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, ShippedPackages.All[packageId], "PACKAGE.md"));
}
