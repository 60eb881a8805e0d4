using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter;
using Snapshooter.Xunit3;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// HTTP triggers in both programming models: the request the function sees and the response the worker gets
/// (snapshots, both ways), the Greeter's contract, and what flows from the worker's invocation into the core's.
/// </summary>
public sealed class AzureHttpTests : IAsyncDisposable
{
    private static readonly (string, string)[] InspectHeaders = [("X-Input", "from-test"), ("Cookie", "session=abc; theme=dark"), ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")];

    private readonly TestWorker _worker = new(s => s.AddAzureTestFunctions());

    private Received Received => _worker.Services.GetRequiredService<Received>();

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task HttpFunction_SeesTheRequestUnmodified_AndItsResponseReachesTheWorker(string model)
    {
        var context = _worker.NewContext("inspect");

        var answer = await InvokeAsync(model, context, "inspect", "PUT", "/api/inspect/caf%C3%A9?tag=a&tag=b%20c", "text/plain", "hello", InspectHeaders);

        var (request, _) = Assert.Single(Received.Requests);
        Snapshot.Match(Describe.Request(request), SnapshotNameExtension.Create("request"));
        Snapshot.Match(Describe.Answer(answer), SnapshotNameExtension.Create(model));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task Greet_AnswersAsOnEveryHost(string model)
    {
        var ok = await InvokeAsync(model, _worker.NewContext("greet"), "greet", "POST", "/api/greet", "application/json", """{"name":"Ada"}""");
        var invalid = await InvokeAsync(model, _worker.NewContext("greet"), "greet", "POST", "/api/greet", "application/json", """{"name":" "}""");
        var malformed = await InvokeAsync(model, _worker.NewContext("greet"), "greet", "POST", "/api/greet", "application/json", "not json");

        Assert.Equal((200, "application/json", """{"message":"Hello, Ada!"}"""), (ok.Status, ok.ContentType, ok.Body));
        Assert.Equal((400, "application/problem+json"), (invalid.Status, invalid.ContentType));
        Assert.Contains("\"name\"", invalid.Body, StringComparison.Ordinal);
        Assert.Equal((400, "application/problem+json"), (malformed.Status, malformed.ContentType));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task Invocation_IsTheWorkers_Id_Scope_Trace_AndFeatures(string model)
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FunctionTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var context = _worker.NewContext("inspect", traceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        await InvokeAsync(model, context, "inspect", "GET", "/api/inspect", null, "");

        var (_, functionContext) = Assert.Single(Received.Requests);
        Assert.Equal(context.InvocationId, functionContext.InvocationId);
        Assert.Equal(FunctionProvider.AzureFunctions, functionContext.Provider);
        Assert.Same(context.InstanceServices, functionContext.Services);
        Assert.Same(context, functionContext.GetFeature<WorkerContext>());
        Assert.Equal(2, functionContext.GetFeature<WorkerContext>()!.RetryContext.RetryCount);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", functionContext.TraceContext.TraceId.ToHexString());
        Assert.Equal("azure", functionContext.Activity!.GetTagItem("cloud.provider"));
        if (model == "AspNetCore")
        {
            Assert.NotNull(functionContext.GetFeature<HttpContext>());
        }
        else
        {
            Assert.NotNull(functionContext.GetFeature<HttpRequestData>());
        }
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task PlatformCancellation_ReachesTheFunctionsToken_AndAnswers504(string model)
    {
        using var platform = new CancellationTokenSource();
        var context = _worker.NewContext("wait", cancellationToken: platform.Token);
        await using var worker = new TestWorker(s => s.AddPortableFunctions(f => f.AddHttpFunction<WaitForCancellation>("wait")).AddPortableFunctionsAzureFunctions());
        context = worker.NewContext("wait", cancellationToken: platform.Token);

        var invocation = InvokeAsync(model, context, "wait", "GET", "/api/wait", null, "");
        await platform.CancelAsync();
        var answer = await invocation;

        Assert.Equal(504, answer.Status);
        Assert.Contains(context.InvocationId, answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task BodyOverTheLimit_Is413(string model)
    {
        await using var worker = new TestWorker(s => s.AddAzureTestFunctions().AddPortableFunctionsAzureFunctions(o => o.MaxRequestBodySize = 8));

        var answer = await InvokeAsync(model, worker.NewContext("greet"), "greet", "POST", "/api/greet", "application/json", """{"name":"Ada Lovelace"}""");

        Assert.Equal(413, answer.Status);
    }

    public ValueTask DisposeAsync() => _worker.DisposeAsync();

    internal static Task<HttpInvocations.Answer> InvokeAsync(string model, TestFunctionContext context, string function, string method, string path, string? contentType, string body, params (string Name, string Value)[] headers) =>
        model == "AspNetCore"
            ? HttpInvocations.AspNetCoreAsync(context, function, method, path, contentType, body, headers)
            : HttpInvocations.HttpRequestDataAsync(context, function, method, path, contentType, body, headers);

    public sealed class WaitForCancellation : IHttpFunction
    {
        public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return FunctionHttpResponse.Empty();
        }
    }
}
