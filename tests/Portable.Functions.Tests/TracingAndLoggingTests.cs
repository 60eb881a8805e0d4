using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

public sealed class TracingAndLoggingTests
{
    [Fact]
    public async Task Invocation_WithW3CParent_StartsAChildActivityWithFaasTags()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""),
            new TestInvocationOptions { InvocationId = "inv-t1", TraceParent = traceParent, Provider = FunctionProvider.GoogleCloudFunctions });

        var activity = Assert.IsType<Activity>(result.Activity);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", activity.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", activity.ParentSpanId.ToHexString());
        Assert.Equal(ActivityKind.Server, activity.Kind);
        Assert.Equal("echo", activity.DisplayName);
        Assert.Equal("echo", activity.GetTagItem("faas.name"));
        Assert.Equal("http", activity.GetTagItem("faas.trigger"));
        Assert.Equal("inv-t1", activity.GetTagItem("faas.invocation_id"));
        Assert.Equal("gcp", activity.GetTagItem("cloud.provider"));
        Assert.IsType<bool>(activity.GetTagItem("faas.coldstart"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact]
    public async Task Invocation_ContextTraceContext_IsTheInvocationsActivity()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"a"}"""));

        var context = Assert.Single(host.Services.GetRequiredService<InvocationLog>().Contexts);
        Assert.Equal(result.Activity!.Context.SpanId, context.TraceContext.SpanId);
        Assert.Same(result.Activity, context.Activity);
    }

    [Fact]
    public async Task EventInvocation_WithTraceparentExtension_IsParentedByIt()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        var envelope = new FunctionEventEnvelope
        {
            Id = "e",
            Source = "/s",
            Type = "t",
            Data = """{"id":"p","amount":1}"""u8.ToArray(),
            Extensions = new Dictionary<string, string> { ["traceparent"] = "00-11111111111111111111111111111111-2222222222222222-01" },
        };

        var result = await host.InvokeEventEnvelopeAsync("pay", envelope);

        Assert.Equal("11111111111111111111111111111111", result.Activity!.TraceId.ToHexString());
        Assert.Equal(ActivityKind.Consumer, result.Activity.Kind);
        Assert.Equal("pubsub", result.Activity.GetTagItem("faas.trigger"));
    }

    [Fact]
    public async Task FailedInvocation_MarksTheActivityAsError()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"fail"}"""));

        Assert.Equal(ActivityStatusCode.Error, result.Activity!.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, result.Activity.GetTagItem("error.type"));
    }

    [Fact]
    public async Task FunctionLogs_CarryInvocationIdAndFunctionNameInTheirScope()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = await host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"scoped"}"""), new TestInvocationOptions { InvocationId = "inv-l1" });

        var entry = Assert.Single(result.Logs, e => e.Message == "echoing scoped");
        Assert.Equal("inv-l1", entry.InvocationId);
        Assert.Equal("echo", entry.Scope["FunctionName"]);
        Assert.Equal("Portable.Functions.Function.echo", entry.Category);
    }
}
