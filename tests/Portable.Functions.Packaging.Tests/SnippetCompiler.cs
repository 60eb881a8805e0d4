using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Portable.Functions.Packaging.Tests;

/// <summary>
/// Compiles documentation snippets as a user's project would: C# latest, nullable on, the SDK's implicit usings, the
/// references this test project compiles against (every package and its dependencies), and the JSON and logging
/// source generators. The build writes those inputs to <c>snippet-compilation.txt</c> beside this assembly.
/// </summary>
public static class SnippetCompiler
{
    // The global usings Microsoft.NET.Sdk adds with ImplicitUsings=enable.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    // The generators a snippet may rely on: source-generated JSON contexts and LoggerMessage methods.
    private static readonly string[] Generators = ["System.Text.Json.SourceGeneration.dll", "Microsoft.Extensions.Logging.Generators.dll"];

    private static readonly Lazy<(IReadOnlyList<MetadataReference> References, IReadOnlyList<ISourceGenerator> Generators)> Inputs = new(ReadInputs);

    /// <summary>
    /// Compiles one snippet together with the files it builds on, as a program when any of them has top-level
    /// statements and as a library otherwise, and returns every error and warning.
    /// </summary>
    /// <param name="name">A name for the snippet, used as its file path in diagnostics.</param>
    /// <param name="snippet">The snippet's code.</param>
    /// <param name="support">Other files of the same project, such as the user's functions the snippet registers.</param>
    /// <returns>The diagnostics of warning and error severity, formatted; empty when the snippet compiles cleanly.</returns>
    public static IReadOnlyList<string> Compile(string name, string snippet, params IEnumerable<string> support)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree[] trees =
        [
            CSharpSyntaxTree.ParseText(snippet, parse, path: name),
            .. support.Select((code, index) => CSharpSyntaxTree.ParseText(code, parse, path: $"support{index}.cs")),
            CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "ImplicitUsings.g.cs"),
        ];

        var isProgram = trees.Any(tree => tree.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any());
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            // As the SDK does by default (NoWarn 1701;1702): a package built against an older System.Runtime is fine.
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);
        var (references, generators) = Inputs.Value;
        var compilation = CSharpCompilation.Create("Snippet", trees, references, options);
        CSharpGeneratorDriver.Create([.. generators], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);

        // Emit rather than only bind, so that everything a build would report is reported.
        using var peStream = new MemoryStream();
        var result = generated.Emit(peStream);
        return [.. generatorDiagnostics.Concat(result.Diagnostics)
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning)
            .Select(diagnostic => diagnostic.ToString())];
    }

    private static (IReadOnlyList<MetadataReference>, IReadOnlyList<ISourceGenerator>) ReadInputs()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "snippet-compilation.txt");
        var lines = File.ReadAllLines(file).Select(line => line.Split('|', 2)).ToList();
        var references = lines.Where(line => line[0] == "reference").Select(line => (MetadataReference)MetadataReference.CreateFromFile(line[1])).ToList();
        var generators = lines
            .Where(line => line[0] == "analyzer" && Generators.Contains(Path.GetFileName(line[1]), StringComparer.OrdinalIgnoreCase))
            .DistinctBy(line => Path.GetFileName(line[1]), StringComparer.OrdinalIgnoreCase)
            .SelectMany(line => new AnalyzerFileReference(line[1], AnalyzerLoader.Instance).GetGenerators(LanguageNames.CSharp))
            .ToList();
        Assert.True(generators.Count >= 1, $"No source generator is listed in {file}.");
        return (references, generators);
    }

    private sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
    {
        public static readonly AnalyzerLoader Instance = new();

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
