namespace Portable.Functions.Packaging.Tests;

/// <summary>The packages this repository ships: every one is packed, documented and consumed by these tests.</summary>
public static class ShippedPackages
{
    /// <summary>The core package, whose readme snippet is the user's function library the other snippets register.</summary>
    public const string Core = "Portable.Functions";

    /// <summary>The template package (<c>dotnet new install</c>), which has no assembly.</summary>
    public const string Templates = "Portable.Functions.Templates";

    /// <summary>Gets the library packages and their project folders relative to the repository root.</summary>
    public static IReadOnlyDictionary<string, string> Libraries { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Core] = "src/Portable.Functions",
        ["Portable.Functions.Testing"] = "src/Portable.Functions.Testing",
        ["Portable.Functions.Http"] = "src/Adapters/Portable.Functions.Http",
        ["Portable.Functions.AwsLambda"] = "src/Adapters/Portable.Functions.AwsLambda",
        ["Portable.Functions.GoogleCloudFunctions"] = "src/Adapters/Portable.Functions.GoogleCloudFunctions",
        ["Portable.Functions.AzureFunctions"] = "src/Adapters/Portable.Functions.AzureFunctions",
        ["Portable.Functions.AzureFunctions.Testing"] = "src/Adapters/Portable.Functions.AzureFunctions.Testing",
    };

    /// <summary>Gets every package: the libraries and the templates.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(Libraries, StringComparer.Ordinal)
    {
        [Templates] = "src/Portable.Functions.Templates",
    };

    /// <summary>Theory data: the id of every package.</summary>
    public static TheoryData<string> Ids => [.. All.Keys];

    /// <summary>Theory data: the id of every library package.</summary>
    public static TheoryData<string> LibraryIds => [.. Libraries.Keys];
}
