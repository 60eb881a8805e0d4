namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The configuration the Lambda host builds: <c>appsettings.json</c> beside the executable, then the environment, then the command line.</summary>
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
}
