namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The Native AOT publish of Greeter.AwsLambda, run as a process against a Runtime API on loopback. CI publishes the
/// sample and names the binary in <c>PORTABLE_FUNCTIONS_NATIVE_LAMBDA</c> (see .ci/run); without it the test is skipped.
/// </summary>
public sealed class GreeterNativeAotTests
{
    [Fact]
    public async Task NativeBinary_ServesGreetDirectlyAndOverHttpApi_AndExitsOnA500()
    {
        var binary = Environment.GetEnvironmentVariable("PORTABLE_FUNCTIONS_NATIVE_LAMBDA");
        if (string.IsNullOrEmpty(binary))
        {
            Assert.Skip("PORTABLE_FUNCTIONS_NATIVE_LAMBDA is not set; .ci/run sets it after the Native AOT publish.");
        }

        Assert.True(File.Exists(binary), $"{binary} does not exist.");
        await using var server = await RuntimeApiServer.StartAsync();
        await using var runtime = RuntimeProcess.StartExecutable(binary, server, "greet");
        var direct = await server.ResultAsync(server.Enqueue("""{"name":"Ada"}"""));
        var overHttp = await server.ResultAsync(server.Enqueue(Fixtures.Bytes("http-api.json")));
        var invalid = await server.ResultAsync(server.Enqueue("""{"name":"""));
        server.EnqueueContainerError();
        await runtime.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("""{"message":"Hello, Ada!"}""", direct.Body);
        Assert.Contains("Hello, Linus!", overHttp.Body, StringComparison.Ordinal);
        Assert.Equal("Function.BadRequest", invalid.ErrorType);
        Assert.Equal(LambdaFunctionsHost.RuntimeApiFailedExitCode, runtime.Process.ExitCode);
    }
}
