using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The program's entry point — which builds the selected function's JSON metadata on a second thread, the function named
/// from the environment before the configuration is read — and the configuration it builds: <c>appsettings.json</c>
/// beside the executable, then the environment, then the command line. In the runtime tests' collection: a runtime sets
/// the process-wide trace variable.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class LambdaFunctionsHostTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pf-lambda-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void BuildConfiguration_AppSettingsBesideTheExecutable_IsRead_AndTheCommandLineWins()
    {
        File.WriteAllText(Path.Combine(_directory, "appsettings.json"), """
            {
              "PortableFunctions": { "AwsLambda": { "BatchConcurrency": 4, "EventSources": { "orders": "Sqs" } } },
              "Greeting": "from the file",
              "Overridden": "from the file"
            }
            """);

        var configuration = LambdaFunctionsHost.BuildConfiguration(["--Overridden=from the command line", "--runtime-api-endpoint", "127.0.0.1:9001"], _directory);

        Assert.Equal("from the file", configuration["Greeting"]);
        Assert.Equal("from the command line", configuration["Overridden"]);
        Assert.Equal("4", configuration["PortableFunctions:AwsLambda:BatchConcurrency"]);
        Assert.Equal("Sqs", configuration["PortableFunctions:AwsLambda:EventSources:orders"]);
        Assert.Equal("127.0.0.1:9001", configuration["AWS_LAMBDA_RUNTIME_API"]);
    }

    [Fact]
    public void BuildConfiguration_NoAppSettings_ReadsTheEnvironmentAndTheCommandLine()
    {
        var configuration = LambdaFunctionsHost.BuildConfiguration(["--Greeting=hello"], _directory);

        Assert.Equal("hello", configuration["Greeting"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), configuration["PATH"]);
    }

    [Fact]
    public void BuildConfiguration_AppSettingsNotValidJson_IsAnInvalidDataExceptionNamingTheFile()
    {
        var settings = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(settings, """{ "Greeting": """);

        var exception = Assert.Throws<InvalidDataException>(() => LambdaFunctionsHost.BuildConfiguration([], _directory));

        Assert.Contains(settings, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TheProgramsEntryPoint_TakesTheRuntimeApiFromTheCommandLine_AndServes()
    {
        await using var server = await RuntimeApiServer.StartAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var exit = Task.Run(() => LambdaFunctionsHost.RunAsync(
            ["--runtime-api-endpoint", server.Address, "--PORTABLE_FUNCTIONS_FUNCTION=echo"],
            services => services.AddLambdaTestFunctions().AddLogging(logging => logging.ClearProviders()),
            stop.Token), TestContext.Current.CancellationToken);

        var first = await server.ResultAsync(server.Enqueue("""{"text":"one"}"""));
        var second = await server.ResultAsync(server.Enqueue("""{"text":"two"}"""));
        await stop.CancelAsync();

        Assert.Equal("one", JsonSerializer.Deserialize(first.Body, TestJsonContext.Default.EchoResponse)!.Text);
        Assert.Equal("two", JsonSerializer.Deserialize(second.Body, TestJsonContext.Default.EchoResponse)!.Text);
        Assert.Equal(0, await exit.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_TheProgramsEntryPoint_RegistrationFails_PostsTheInitError_AndExits1()
    {
        await using var server = await RuntimeApiServer.StartAsync();

        var exitCode = await Task.Run(() => LambdaFunctionsHost.RunAsync(
            ["--runtime-api-endpoint", server.Address],
            _ => throw new InvalidOperationException("the registration is broken"),
            TestContext.Current.CancellationToken), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var initError = await server.InitError.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, exitCode);
        Assert.Equal("Runtime.InitError", initError.ErrorType);
        Assert.Contains("the registration is broken", initError.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--runtime-api-endpoint=")]
    [InlineData("--runtime-api-endpoint=127.0.0.1")]
    public async Task RunAsync_TheProgramsEntryPoint_NoUsableRuntimeApi_Exits1(string endpoint)
    {
        var exitCode = await LambdaFunctionsHost.RunAsync([endpoint], services => services.AddLambdaTestFunctions(), TestContext.Current.CancellationToken);

        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, exitCode);
    }
}
