using Portable.Functions.TestUtilities;

namespace Portable.Functions.Packaging.Tests;

/// <summary>
/// A clone of this repository passes its tests on its own: no test, script or project reads a file beside the clone
/// (the vendors' sample payloads the tests use are copied into tests/vectors with their source and licence).
/// </summary>
public sealed class StandAloneRepositoryTests
{
    private static readonly string[] SourceExtensions = [".cs", ".csproj", ".props", ".targets", ".sh", ".json", ".yml", ".yaml"];

    [Fact]
    public void RepositoryFiles_NoneReadsBesideTheRepository()
    {
        var offenders = RepositoryFiles()
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, number: index + 1)))
            .Where(entry => ClimbsOutOfTheRepository(entry.path, entry.line))
            .Select(entry => $"{Path.GetRelativePath(RepositoryPaths.Root, entry.path)}:{entry.number}: {entry.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "These lines read outside the repository:" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void PublicVectors_CarryTheirSourceAndLicence()
    {
        var vectors = Path.Combine(RepositoryPaths.Root, "tests", "vectors");

        Assert.True(File.Exists(Path.Combine(vectors, "README.md")));
        Assert.True(File.Exists(Path.Combine(vectors, "NOTICE")));
        Assert.True(File.Exists(Path.Combine(vectors, "LICENSE-Apache-2.0.txt")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(vectors, "aws"), "*.json", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(vectors, "gcp"), "*.json", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("tests/Foo/Foo.cs", "var path = \"../shared/vectors/aws\";", true)]
    [InlineData("tests/Foo/Foo.cs", "Path.Combine(Root, \"..\", \"shared\")", true)]
    [InlineData("samples/Greeter/Greeter.Http/Greeter.Http.csproj", "<ProjectReference Include=\"../../../src/A/A.csproj\" />", false)]
    [InlineData("samples/Greeter/Greeter.Http/Greeter.Http.csproj", "<Import Project=\"../../../../outside.targets\" />", true)]
    public void ClimbsOutOfTheRepository_Line_IsJudged(string relativePath, string line, bool expected) =>
        Assert.Equal(expected, ClimbsOutOfTheRepository(Path.Combine(RepositoryPaths.Root, relativePath), line));

    // A line reads beside the repository when it names ../shared (the steering folder next to a checkout), joins ".."
    // with "shared", or holds a relative path whose ../ segments climb above the root from the file's own folder.
    private static bool ClimbsOutOfTheRepository(string path, string line)
    {
        if (line.Contains("../shared", StringComparison.Ordinal) || line.Contains(@"..\shared", StringComparison.Ordinal)
            || line.Contains("\"..\", \"shared\"", StringComparison.Ordinal))
        {
            return true;
        }

        var depth = Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(path)!)
            .Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Count(segment => segment != ".");
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(line, @"(?:\.\./)+"))
        {
            if (match.Length / 3 > depth)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> RepositoryFiles()
    {
        string[] roots = ["src", "tests", "samples", "benchmarks", "eng", ".ci", ".github"];
        foreach (var root in roots.Select(root => Path.Combine(RepositoryPaths.Root, root)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/');
                var skipped = relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                    || relative.StartsWith("tests/vectors/", StringComparison.Ordinal)
                    || relative == "tests/Portable.Functions.Packaging.Tests/StandAloneRepositoryTests.cs";
                if (!skipped && (SourceExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase) || relative == ".ci/run"))
                {
                    yield return file;
                }
            }
        }
    }
}
