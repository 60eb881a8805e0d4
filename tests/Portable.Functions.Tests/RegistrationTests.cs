using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Testing;

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
    public void Catalog_TypeMissingFromEveryContext_FailsWhenTheFunctionIsBuiltNamingTheType()
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(f => f.AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(EmptyContext.Default));
        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<FunctionCatalog>();

        // This project turns reflection-based serialization off, as trimmed and Native AOT apps do. A host serving
        // every function builds them all at start-up; a single-function host builds the one it selects.
        var all = Assert.Throws<InvalidOperationException>(() => catalog.Functions);
        var selected = Assert.Throws<InvalidOperationException>(() => catalog.Select("echo"));

        Assert.Contains("EchoRequest", all.Message, StringComparison.Ordinal);
        Assert.Contains("JsonSerializable", all.Message, StringComparison.Ordinal);
        Assert.Equal(all.Message, selected.Message);
    }

    [Fact]
    public void Select_OneOfSeveral_BuildsOnlyTheSelectedFunction()
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(f => f
            .AddHttpFunction<Raw>("raw")
            .AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(EmptyContext.Default));
        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<FunctionCatalog>();

        // The misconfigured "echo" is not built when a single-function platform runs "raw" (a Lambda cold start pays
        // for one function), and it still fails as soon as it is selected or every function is asked for.
        Assert.Same(catalog.Select("raw"), catalog.Select("RAW"));
        Assert.Throws<InvalidOperationException>(() => catalog.Select("echo"));
        Assert.Throws<InvalidOperationException>(() => catalog.Functions);
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

    [Fact]
    public void Prepare_TheSelectedFunction_ReturnsTrue_AndTheCatalogBuiltLaterReadsAndWritesAsBefore()
    {
        var services = new ServiceCollection();
        services.AddPortableFunctions(f => f.AddHttpFunction<Raw>("raw").AddFunction<JsonDefaultsTests.Echo, JsonDefaultsTests.Who, JsonDefaultsTests.Who>("echo").UseJsonContext(PlainJsonContext.Default));

        var prepared = FunctionCatalog.Prepare(services, " Echo ");
        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<FunctionCatalog>();

        Assert.True(prepared);
        Assert.Equal("echo", catalog.Select("echo").Name);
        // The context declares no options: web defaults, as without the preparation.
        var who = catalog.GetJsonTypeInfo<JsonDefaultsTests.Who>();
        Assert.Equal("""{"name":"Ada","age":36}""", JsonSerializer.Serialize(new JsonDefaultsTests.Who("Ada", 36), who));
        Assert.Equal(new JsonDefaultsTests.Who("Ada", 36), JsonSerializer.Deserialize("""{"NAME":"Ada","age":"36"}""", who));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("nope")]
    public void Prepare_SeveralFunctionsAndNoneNamed_ReturnsFalse(string? name)
    {
        var services = new ServiceCollection();
        services.AddPortableFunctions(f => f.AddHttpFunction<Raw>("raw").AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(TestJsonContext.Default));

        Assert.False(FunctionCatalog.Prepare(services, name));
    }

    [Fact]
    public void Prepare_NoPortableFunctions_ReturnsFalse() => Assert.False(FunctionCatalog.Prepare(new ServiceCollection(), "echo"));

    [Fact]
    public void Prepare_TypeNoContextKnows_ReturnsFalse_AndSelectStillReportsIt()
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(f => f.AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(EmptyContext.Default));

        var prepared = FunctionCatalog.Prepare(services, "echo");
        using var provider = services.BuildServiceProvider();

        Assert.False(prepared);
        var selected = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<FunctionCatalog>().Select("echo"));
        Assert.Contains("EchoRequest", selected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_AContextRegisteredAfterwards_IsStillConsulted()
    {
        var services = new ServiceCollection().AddSingleton<InvocationLog>();
        services.AddPortableFunctions(f => f.AddFunction<Echo, EchoRequest, EchoResponse>("echo").UseJsonContext(EmptyContext.Default));

        var prepared = FunctionCatalog.Prepare(services, "echo");
        services.AddPortableFunctions(f => f.UseJsonContext(TestJsonContext.Default));
        using var provider = services.BuildServiceProvider();

        Assert.False(prepared);
        Assert.Equal("echo", provider.GetRequiredService<FunctionCatalog>().Select("echo").Name);
    }

    [Fact]
    public async Task Prepare_OnAnotherThreadWhileTheCatalogIsBuilt_TheFunctionServes()
    {
        for (var round = 0; round < 20; round++)
        {
            await using var host = FunctionTestHost.Create(services =>
            {
                services.AddTestFunctions();
                var preparing = Task.Run(() => FunctionCatalog.Prepare(services, "echo"));
                Assert.True(preparing.Wait(TimeSpan.FromSeconds(30)) && preparing.Result);
            });

            var result = await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("hi", 2));

            Assert.Equal("hihi", result.Value!.Text);
        }
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
