namespace Portable.Functions.TestUtilities;

/// <summary>Where things are, seen from a test assembly's output folder.</summary>
public static class RepositoryPaths
{
    /// <summary>Gets the repository root: the folder that holds <c>Portable.Functions.sln</c>.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portable.Functions.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// The vendors' public sample payloads of one platform (<c>aws</c>, <c>gcp</c>), kept in the repository under
    /// <c>tests/vectors</c> with their source and licence named in its README.
    /// </summary>
    public static string PublicVectors(string platform) => Path.Combine(Root, "tests", "vectors", platform);

    /// <summary>The built assembly of another project of the repository, in this test assembly's configuration and framework.</summary>
    /// <param name="projectDirectory">The project's folder relative to the root, such as <c>samples/Greeter/Greeter.Http</c>.</param>
    /// <param name="assemblyName">The assembly's name without extension.</param>
    public static string ProjectOutput(string projectDirectory, string assemblyName)
    {
        // <project>/bin/<Configuration>/<framework>/ as this assembly's own output folder is laid out.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(Root, projectDirectory, "bin", output.Parent!.Name, output.Name, assemblyName + ".dll");
    }
}
