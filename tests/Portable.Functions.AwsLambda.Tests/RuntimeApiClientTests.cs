using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Greeter.Functions;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The Runtime API client's reading of <c>AWS_LAMBDA_RUNTIME_API</c> and its request paths.</summary>
public sealed class RuntimeApiClientTests
{
    [Theory]
    [InlineData("127.0.0.1:9001", "127.0.0.1", 9001)]
    [InlineData(" 127.0.0.1:9001/ ", "127.0.0.1", 9001)]
    [InlineData("localhost:8080", "localhost", 8080)]
    [InlineData("runtime-api.internal_1", "runtime-api.internal_1", 80)]
    [InlineData("[::1]:9001", "::1", 9001)]
    [InlineData("[fe80::1%2]:9001", "fe80::1%2", 9001)]
    [InlineData("[::1]", "::1", 80)]
    public void ParseAuthority_HostAndPort_AsTheRuntimeApiIsGiven(string value, string host, int port) =>
        Assert.Equal((host, port), RuntimeApiClient.ParseAuthority(value));

    [Theory]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:90x")]
    [InlineData(":9001")]
    [InlineData("http://127.0.0.1:9001")]
    [InlineData("user@127.0.0.1:9001")]
    [InlineData("::1:9001")]
    [InlineData("[::1")]
    [InlineData("[127.0.0.1]:9001")]
    [InlineData("[::1]9001")]
    [InlineData("héte:9001")]
    [InlineData("127.0.0.1:9001/path")]
    public void ParseAuthority_AnythingElse_IsAFormatExceptionNamingTheVariable(string value)
    {
        var exception = Assert.Throws<FormatException>(() => RuntimeApiClient.ParseAuthority(value));

        Assert.Contains("AWS_LAMBDA_RUNTIME_API", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8476a536-e9f4-11e8-9739-2dfe598c3fcd", "8476a536-e9f4-11e8-9739-2dfe598c3fcd")]
    [InlineData("a.b_c~d", "a.b_c~d")]
    [InlineData("../x/y?z#w", "..%2Fx%2Fy%3Fz%23w")]
    [InlineData("é 😀", "%C3%A9%20%F0%9F%98%80")]
    public void EscapeSegment_KeepsUnreservedCharacters_AndPercentEncodesTheRestAsUtf8(string value, string expected) =>
        Assert.Equal(expected, RuntimeApiClient.EscapeSegment(value));

    [Fact]
    public async Task RunAsync_RuntimeApiIsNotAHostAndPort_ExitsWithTheInitFailureCode()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = "http://127.0.0.1:9001",
            ["_HANDLER"] = "greet",
        }).Build();

        var exitCode = await LambdaFunctionsHost.RunAsync([], s => s.AddGreeterFunctions().AddLogging(l => l.ClearProviders()), configuration, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, exitCode);
    }
}
