using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.Tests;

public sealed partial class RegistrationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ünïcode")]
    public void AddFunction_InvalidName_Throws(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddPortableFunctions(f => f.AddFunction<Echo, EchoRequest, EchoResponse>(name)));

    [Fact]
    public void AddFunction_DuplicateNameInAnyCase_Throws() =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddPortableFunctions(f => f
            .AddFunction<Echo, EchoRequest, EchoResponse>("echo")
            .AddHttpFunction<Raw>("ECHO")));

    [Fact]
    public void AddPortableFunctions_CalledTwice_RegistrationsAddUp()
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(f => f.AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(TestJsonContext.Default));
        services.AddPortableFunctions(f => f.AddHttpFunction<Raw>("raw"));

        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<FunctionCatalog>();

        Assert.Equal(["echo", "raw"], catalog.Functions.Select(f => f.Name));
        Assert.Equal(FunctionKind.Typed, catalog.Functions[0].Kind);
        Assert.Equal(typeof(EchoRequest), catalog.Functions[0].InputType);
        Assert.Equal(typeof(EchoResponse), catalog.Functions[0].OutputType);
    }

    [Fact]
    public void Catalog_TypeMissingFromEveryContext_FailsAtStartupNamingTheType()
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(f => f.AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(EmptyContext.Default));
        using var provider = services.BuildServiceProvider();

        // This project turns reflection-based serialization off, as trimmed and Native AOT apps do.
        var exception = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<FunctionCatalog>());

        Assert.Contains("EchoRequest", exception.Message, StringComparison.Ordinal);
        Assert.Contains("JsonSerializable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_OneFunction_IsUsedWhateverTheName()
    {
        using var provider = Build(f => f.AddHttpFunction<Raw>("raw"));
        var catalog = provider.GetRequiredService<FunctionCatalog>();

        Assert.Equal("raw", catalog.Select("something-else").Name);
        Assert.Equal("raw", catalog.Select(null).Name);
    }

    [Fact]
    public void Select_SeveralFunctions_ByNameOrAClearError()
    {
        using var provider = Build(f => f.AddHttpFunction<Raw>("raw").AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(TestJsonContext.Default));
        var catalog = provider.GetRequiredService<FunctionCatalog>();

        Assert.Equal("echo", catalog.Select("Echo").Name);
        var unknown = Assert.Throws<InvalidOperationException>(() => catalog.Select("nope"));
        Assert.Contains("raw, echo", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => catalog.Select(null));
    }

    [Fact]
    public void Select_NoFunctions_Throws()
    {
        using var provider = Build(_ => { });

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<FunctionCatalog>().Select("x"));
    }

    private static ServiceProvider Build(Action<PortableFunctionsBuilder> configure)
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(configure);
        return services.BuildServiceProvider();
    }

    [JsonSerializable(typeof(int))]
    private sealed partial class EmptyContext : JsonSerializerContext;
}
