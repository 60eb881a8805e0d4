using Microsoft.Extensions.Primitives;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

public sealed class HttpFunctionInvokerTests
{
    [Fact]
    public async Task InvokeHttpAsync_RequestReachesTheFunctionUnmodified()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var request = new FunctionHttpRequest
        {
            Method = "PUT",
            Path = "/raw/a/b",
            QueryString = "x=1&x=2",
            Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase) { ["X-Input"] = "hello", ["Content-Type"] = "application/xml" },
            Body = "<xml/>"u8.ToArray(),
        };

        var result = await host.InvokeHttpAsync("raw", request);

        Assert.Equal(202, result.StatusCode);
        Assert.Equal("PUT /raw/a/b?x=1&x=2 6", result.BodyText);
        Assert.Equal("hello", result.Response.Headers["X-Echo"]);
        Assert.Equal("text/plain; charset=utf-8", result.Response.ContentType);
    }

    [Fact]
    public async Task InvokeAsync_OnAnHttpFunction_IsRefusedByTheTestHost()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeAsync<EchoRequest, EchoResponse>("raw", new EchoRequest("a")));
    }
}
