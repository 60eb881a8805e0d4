using Microsoft.Extensions.Configuration;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The contract's configuration precedence — source code, then command-line switches, then environment variables —
/// read through <see cref="IConfiguration"/> with the sources in the order the host adds them.
/// </summary>
public sealed class FunctionsFrameworkConfigurationTests
{
    private static IConfiguration Configuration(string[] args, params (string Name, string Value)[] environment) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)))
            .AddCommandLine(FunctionsFrameworkConfiguration.NormalizeArguments(args), FunctionsFrameworkConfiguration.SwitchMappings)
            .Build();

    private static GoogleCloudFunctionsOptions Resolve(string[] args, params (string Name, string Value)[] environment) =>
        FunctionsFrameworkConfiguration.Resolve(Configuration(args, environment), configure: null);

    [Fact]
    public void Resolve_Nothing_Defaults()
    {
        var options = Resolve([]);

        Assert.Null(options.Port);
        Assert.Null(options.Target);
        Assert.Null(options.SignatureType);
        Assert.Equal(6 * 1024 * 1024, options.MaxRequestBodySize);
        Assert.Equal("http://localhost:8080", FunctionsFrameworkConfiguration.Url(options, inContainer: false));
    }

    [Fact]
    public void Resolve_EnvironmentOnly_IsUsed()
    {
        var options = Resolve([], ("PORT", "9000"), ("FUNCTION_TARGET", "greet"), ("FUNCTION_SIGNATURE_TYPE", "cloudevent"));

        Assert.Equal(9000, options.Port);
        Assert.Equal("greet", options.Target);
        Assert.Equal(FunctionSignatureType.CloudEvent, options.SignatureType);
    }

    [Fact]
    public void Resolve_SwitchesWinOverEnvironment()
    {
        var options = Resolve(["--port", "9100", "--target=order-placed", "--signature-type", "event"],
            ("PORT", "9000"), ("FUNCTION_TARGET", "greet"), ("FUNCTION_SIGNATURE_TYPE", "http"));

        Assert.Equal(9100, options.Port);
        Assert.Equal("order-placed", options.Target);
        Assert.Equal(FunctionSignatureType.Event, options.SignatureType);
    }

    [Fact]
    public void Resolve_SourceCodeWinsOverSwitches()
    {
        var options = FunctionsFrameworkConfiguration.Resolve(Configuration(["--port", "9100", "--target", "switch"], ("PORT", "9000")),
            o => (o.Port, o.Target, o.SignatureType) = (9200, "code", FunctionSignatureType.Http));

        Assert.Equal(9200, options.Port);
        Assert.Equal("code", options.Target);
        Assert.Equal(FunctionSignatureType.Http, options.SignatureType);
    }

    [Fact]
    public void Resolve_FirstArgument_IsTheTarget_AndOtherArgumentsStayForTheHost()
    {
        var configuration = Configuration(["cloudevent", "--urls", "http://x"], ("FUNCTION_TARGET", "greet"));

        Assert.Equal("cloudevent", FunctionsFrameworkConfiguration.Resolve(configuration, null).Target);
        Assert.Equal("http://x", configuration["urls"]);
    }

    [Fact]
    public void Resolve_TheSection_SetsTheOtherOptions()
    {
        var options = Resolve([], ("PortableFunctions:GoogleCloudFunctions:MaxRequestBodySize", "1024"), ("PortableFunctions:GoogleCloudFunctions:UnwrapEventData", "false"));

        Assert.Equal(1024, options.MaxRequestBodySize);
        Assert.False(options.UnwrapEventData);
    }

    [Theory]
    [InlineData("DOTNET_RUNNING_IN_CONTAINER", "true")]
    [InlineData("K_SERVICE", "greeter")]
    public void Url_InAContainer_BindsEveryInterface(string name, string value)
    {
        var configuration = Configuration([], (name, value), ("PORT", "8081"));

        var url = FunctionsFrameworkConfiguration.Url(FunctionsFrameworkConfiguration.Resolve(configuration, null), FunctionsFrameworkConfiguration.InContainer(configuration));

        Assert.Equal("http://0.0.0.0:8081", url);
    }

    [Theory]
    [InlineData("PORT", "http")]
    [InlineData("PORT", "70000")]
    [InlineData("FUNCTION_SIGNATURE_TYPE", "grpc")]
    [InlineData("PortableFunctions:GoogleCloudFunctions:MaxRequestBodySize", "0")]
    public void Resolve_InvalidValue_FailsNamingTheSetting(string name, string value)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Resolve([], (name, value)));

        Assert.Contains(name == "PORT" ? "PORT" : name.Split(':')[^1], exception.Message, StringComparison.Ordinal);
    }
}
