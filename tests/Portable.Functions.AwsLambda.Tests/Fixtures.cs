namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The test's own event payloads (written from the AWS documentation), and AWS's public samples in tests/vectors/aws.</summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static string Text(string name) => File.ReadAllText(Path(name));

    /// <summary>AWS's own sample payloads: <c>tests/vectors/aws</c> (from aws/aws-lambda-go, Apache-2.0).</summary>
    public static string AwsVectorsDirectory() => Portable.Functions.TestUtilities.RepositoryPaths.PublicVectors("aws");
}
