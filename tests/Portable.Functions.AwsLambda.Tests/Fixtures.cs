namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The test's own event payloads (written from the AWS documentation), and AWS's public samples in shared/.</summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static string Text(string name) => File.ReadAllText(Path(name));

    /// <summary>AWS's own sample payloads: <c>&lt;repo&gt;/../shared/vectors/aws</c>, which CI lays beside the clone.</summary>
    public static string AwsVectorsDirectory() => Portable.Functions.TestUtilities.RepositoryPaths.SharedVectors("aws");
}
