using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

/// <summary>A context declared without options reads and writes like ASP.NET Core; a context that states its options keeps them.</summary>
public sealed class JsonDefaultsTests
{
    public sealed record Who(string Name, int Age);

    public sealed class Echo : IFunction<Who, Who>
    {
        public Task<Who> HandleAsync(Who request, FunctionContext context, CancellationToken cancellationToken) => Task.FromResult(request);
    }

    [Fact]
    public async Task PlainContext_ReadsAnyCase_AndNumbersFromStrings_AndWritesCamelCase()
    {
        await using var host = FunctionTestHost.Create(s => s.AddPortableFunctions(f => f.AddFunction<Echo, Who, Who>("echo").UseJsonContext(PlainJsonContext.Default)));

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"NAME":"Ada","age":"36"}"""));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("""{"name":"Ada","age":36}""", result.BodyText);
        Assert.Equal("name", host.Catalog.GetJsonTypeInfo<Who>().Properties[0].Name);
    }

    [Fact]
    public async Task ContextThatStatesItsOptions_KeepsThem()
    {
        await using var host = FunctionTestHost.Create(s => s.AddPortableFunctions(f => f.AddFunction<Echo, Who, Who>("echo").UseJsonContext(StatedJsonContext.Default)));

        var exact = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"Name":"Ada","Age":36}"""));
        var otherCase = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"name":"Ada","age":36}"""));

        Assert.Equal("""{"Name":"Ada","Age":36}""", exact.BodyText);
        Assert.Equal("""{"Name":null,"Age":0}""", otherCase.BodyText); // case-sensitive: nothing bound
    }

    [Fact]
    public async Task ContextCreatedWithOptions_KeepsThem()
    {
        var context = new PlainJsonContext(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.KebabCaseUpper });
        await using var host = FunctionTestHost.Create(s => s.AddPortableFunctions(f => f.AddFunction<Echo, Who, Who>("echo").UseJsonContext(context)));

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"NAME":"Ada","AGE":36}"""));

        Assert.Equal("""{"NAME":"Ada","AGE":36}""", result.BodyText);
        Assert.Same(context.Options.PropertyNamingPolicy, host.Catalog.GetJsonTypeInfo<Who>().Options.PropertyNamingPolicy);
    }

    [Fact]
    public async Task GetJsonTypeInfo_UnknownType_NamesTheMissingAttribute()
    {
        await using var host = FunctionTestHost.Create(s => s.AddPortableFunctions(f => f.AddFunction<Echo, Who, Who>("echo").UseJsonContext(PlainJsonContext.Default)));

        var exception = Assert.Throws<InvalidOperationException>(() => host.Catalog.GetJsonTypeInfo<Uri>());

        Assert.Contains("[JsonSerializable(typeof(Uri))]", exception.Message, StringComparison.Ordinal);
    }
}

[JsonSerializable(typeof(JsonDefaultsTests.Who))]
public sealed partial class PlainJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(JsonSerializerDefaults.General)]
[JsonSerializable(typeof(JsonDefaultsTests.Who))]
public sealed partial class StatedJsonContext : JsonSerializerContext;
