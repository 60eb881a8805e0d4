namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>The contract's configuration precedence: source code, then command-line switches, then environment variables.</summary>
public sealed class FunctionsFrameworkSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    [Fact]
    public void Resolve_Nothing_Defaults()
    {
        var settings = FunctionsFrameworkSettings.Resolve([], new GoogleCloudFunctionsOptions(), Env());

        Assert.Equal(8080, settings.Port);
        Assert.Null(settings.Target);
        Assert.Null(settings.SignatureType);
        Assert.Equal("http://localhost:8080", settings.Url);
    }

    [Fact]
    public void Resolve_EnvironmentOnly_IsUsed()
    {
        var settings = FunctionsFrameworkSettings.Resolve([], new GoogleCloudFunctionsOptions(),
            Env(("PORT", "9000"), ("FUNCTION_TARGET", "greet"), ("FUNCTION_SIGNATURE_TYPE", "cloudevent")));

        Assert.Equal(9000, settings.Port);
        Assert.Equal("greet", settings.Target);
        Assert.Equal(FunctionSignatureType.CloudEvent, settings.SignatureType);
    }

    [Fact]
    public void Resolve_SwitchesWinOverEnvironment()
    {
        var settings = FunctionsFrameworkSettings.Resolve(["--port", "9100", "--target=order-placed", "--signature-type", "event"], new GoogleCloudFunctionsOptions(),
            Env(("PORT", "9000"), ("FUNCTION_TARGET", "greet"), ("FUNCTION_SIGNATURE_TYPE", "http")));

        Assert.Equal(9100, settings.Port);
        Assert.Equal("order-placed", settings.Target);
        Assert.Equal(FunctionSignatureType.Event, settings.SignatureType);
    }

    [Fact]
    public void Resolve_SourceCodeWinsOverSwitches()
    {
        var options = new GoogleCloudFunctionsOptions { Port = 9200, Target = "code", SignatureType = FunctionSignatureType.Http };

        var settings = FunctionsFrameworkSettings.Resolve(["--port", "9100", "--target", "switch"], options, Env(("PORT", "9000")));

        Assert.Equal(9200, settings.Port);
        Assert.Equal("code", settings.Target);
        Assert.Equal(FunctionSignatureType.Http, settings.SignatureType);
    }

    [Fact]
    public void Resolve_LoneArgument_IsTheTarget_AndOtherArgumentsPassThrough()
    {
        var settings = FunctionsFrameworkSettings.Resolve(["cloudevent", "--urls", "http://x"], new GoogleCloudFunctionsOptions(), Env(("FUNCTION_TARGET", "greet")));

        Assert.Equal("cloudevent", settings.Target);
        Assert.Equal(["--urls", "http://x"], settings.RemainingArgs);
    }

    [Theory]
    [InlineData("DOTNET_RUNNING_IN_CONTAINER", "true")]
    [InlineData("K_SERVICE", "greeter")]
    public void Resolve_InAContainer_BindsEveryInterface(string name, string value)
    {
        var settings = FunctionsFrameworkSettings.Resolve([], new GoogleCloudFunctionsOptions(), Env((name, value), ("PORT", "8081")));

        Assert.Equal("http://0.0.0.0:8081", settings.Url);
    }

    [Theory]
    [InlineData("PORT", "http")]
    [InlineData("FUNCTION_SIGNATURE_TYPE", "grpc")]
    public void Resolve_InvalidValue_FailsNamingTheSetting(string name, string value)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => FunctionsFrameworkSettings.Resolve([], new GoogleCloudFunctionsOptions(), Env((name, value))));

        Assert.Contains(name, exception.Message, StringComparison.Ordinal);
    }
}
