namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The test's own event payloads (written from the AWS documentation), and AWS's public samples in shared/.</summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static string Text(string name) => File.ReadAllText(Path(name));

    /// <summary>The repository root: the folder that holds Portable.Functions.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Portable.Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Portable.Functions.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>AWS's own sample payloads: <c>&lt;repo&gt;/../shared/vectors/aws</c>, which CI lays beside the clone.</summary>
    public static string AwsVectorsDirectory() =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot(), "..", "shared", "vectors", "aws"));
}
