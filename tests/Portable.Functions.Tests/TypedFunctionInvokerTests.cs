using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Functions.Testing;
using Snapshooter.Xunit3;

namespace Portable.Functions.Tests;

public sealed class TypedFunctionInvokerTests
{
    private static FunctionTestHost CreateHost(Action<FunctionsOptions>? options = null) =>
        FunctionTestHost.Create(s => s.AddTestFunctions(f => { if (options is not null) { f.Configure(options); } }));

    private static TestInvocationOptions Id(string id) => new() { InvocationId = id };

    [Fact]
    public async Task InvokeHttpAsync_ValidBody_Returns200WithJson()
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"ab","count":2}"""));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("application/json", result.Response.ContentType);
        Assert.Equal("""{"text":"abab"}""", result.BodyText);
    }

    [Fact]
    public async Task InvokeAsync_TypedRequest_RoundTripsThroughTheRegisteredContext()
    {
        await using var host = CreateHost();

        var result = await host.InvokeAsync<EchoRequest, EchoResponse>("echo", new EchoRequest("hi", 3));

        Assert.True(result.IsSuccess);
        Assert.Equal("hihihi", result.Value!.Text);
    }

    [Fact]
    public async Task InvokeHttpAsync_MalformedJson_Returns400NamingTheLocation()
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", "{\"text\": \"a\",\n \"count\": nope}"), Id("inv-1"));

        Assert.Equal(400, result.StatusCode);
        Assert.Equal(MediaTypes.ProblemJson, result.Response.ContentType);
        Snapshot.Match(Json.Pretty(result.Response.Body));
    }

    [Fact]
    public async Task InvokeHttpAsync_WrongJsonType_Returns400WithPath()
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a","count":"many"}"""), Id("inv-2"));

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("$.count", result.Problem!.Extensions["path"]?.ToString());
        Snapshot.Match(Json.Pretty(result.Response.Body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task InvokeHttpAsync_EmptyOrNullBody_Returns400(string body)
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", body));

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("Missing request body", result.Problem!.Title);
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/octet-stream")]
    public async Task InvokeHttpAsync_NonJsonContentType_Returns415(string contentType)
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}""", contentType));

        Assert.Equal(415, result.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.api+json")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task InvokeHttpAsync_LenientContentTypes_AreReadAsJson(string? contentType)
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}""", contentType));

        Assert.Equal(200, result.StatusCode);
    }

    [Fact]
    public async Task InvokeHttpAsync_ProblemException_ReturnsItsStatusAndInvocationId()
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"problem"}"""), Id("inv-3"));

        Assert.Equal(409, result.StatusCode);
        Snapshot.Match(Json.Pretty(result.Response.Body));
    }

    [Fact]
    public async Task InvokeHttpAsync_UnhandledException_Returns500WithoutInternals()
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"fail"}"""), Id("inv-4"));

        Assert.Equal(500, result.StatusCode);
        Assert.DoesNotContain("secret", result.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", result.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", result.BodyText, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(result.Exception); // for logs and platform error reports, never written
        Assert.Equal(FunctionStatus.Failed, result.Status);
        Snapshot.Match(Json.Pretty(result.Response.Body));

        var error = Assert.Single(result.Logs, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Equal("echo", error.Scope["FunctionName"]);
    }

    [Fact]
    public async Task InvokeHttpAsync_WithoutAPlatformId_GeneratesOneIdSharedByProblemAndLogs()
    {
        await using var host = CreateHost();
        Assert.True(host.Catalog.TryGet("echo", out var echo));

        var result = await echo.InvokeHttpAsync(Json.Post("/echo", """{"text":"fail"}"""));

        Assert.Equal(result.InvocationId, result.Problem!.Extensions["invocationId"]);
        using var body = System.Text.Json.JsonDocument.Parse(result.Response.Body);
        var id = body.RootElement.GetProperty("invocationId").GetString();
        Assert.True(Guid.TryParse(id, out _));
        var error = Assert.Single(host.Logs, e => e.Level == LogLevel.Error);
        Assert.Equal(id, error.InvocationId);
        Assert.Equal(id, Assert.Single(host.Services.GetRequiredService<InvocationLog>().Contexts).InvocationId);
    }

    [Fact]
    public async Task InvokeHttpAsync_UnhandledExceptionInDevelopment_IncludesDetails()
    {
        await using var host = CreateHost(o => o.IncludeExceptionDetails = true);

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"fail"}"""));

        Assert.Equal(500, result.StatusCode);
        Assert.Contains("secret internal detail", result.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeHttpAsync_FunctionSetsStatusHeadersAndCookies_TheyReachTheResponse()
    {
        await using var host = CreateHost();

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"created"}"""));

        Assert.Equal(201, result.StatusCode);
        Assert.Equal("/echo/1", result.Response.Headers["Location"]);
        Assert.Equal("session=abc; Path=/", Assert.Single(result.Response.Cookies));
    }

    [Fact]
    public async Task InvokeHttpAsync_ContextCarriesTheInvocationAndHttpMetadata()
    {
        await using var host = CreateHost();
        var request = Json.Post("/echo", """{"text":"a"}""");

        await host.InvokeHttpAsync("echo", request, new TestInvocationOptions { InvocationId = "inv-5", Provider = FunctionProvider.AwsLambda });

        var context = Assert.Single(host.Services.GetRequiredService<InvocationLog>().Contexts);
        Assert.Equal("inv-5", context.InvocationId);
        Assert.Equal("echo", context.FunctionName);
        Assert.Equal(FunctionKind.Typed, context.FunctionKind);
        Assert.Equal(FunctionProvider.AwsLambda, context.Provider);
        Assert.Same(request, context.Http!.Request);
        Assert.Equal(new EchoRequest("a"), context.Input);
    }

    [Fact]
    public async Task InvokeHttpAsync_EachInvocation_GetsItsOwnScope()
    {
        await using var host = CreateHost();

        await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""));
        await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"b"}"""));

        var contexts = host.Services.GetRequiredService<InvocationLog>().Contexts;
        Assert.Equal(2, contexts.Count);
        Assert.NotSame(contexts[0].Services, contexts[1].Services);
    }

    [Fact]
    public async Task InvokeHttpAsync_ProcessKeepsServingAfterFailures()
    {
        await using var host = CreateHost();

        await host.InvokeHttpAsync("echo", Json.Post("/echo", "not json"));
        await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"fail"}"""));
        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"ok"}"""));

        Assert.Equal(200, result.StatusCode);
    }
}
