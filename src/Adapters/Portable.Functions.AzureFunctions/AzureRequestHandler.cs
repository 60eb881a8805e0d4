using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Http;
using Portable.Functions.Http;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// The shared ASP.NET Core layer, speaking for the Azure worker: the invocation is the worker's — its invocation id,
/// its cancellation (the platform's: 504), its trace context, its service scope — and offers the worker's
/// <c>FunctionContext</c> as a feature, with the <see cref="HttpContext"/> (ASP.NET Core integration) or the
/// <see cref="HttpRequestData"/> (built-in model).
/// </summary>
internal sealed class AzureRequestHandler : FunctionRequestHandler
{
    private readonly WorkerContext? _worker;
    private readonly HttpRequestData? _classic;

    /// <summary>Initializes the function's handler, built once: <see cref="For"/> binds it to each invocation.</summary>
    /// <param name="function">The function served.</param>
    /// <param name="maxRequestBodySize">The largest request body accepted.</param>
    public AzureRequestHandler(FunctionInvoker function, long maxRequestBodySize)
        : base(function, maxRequestBodySize)
    {
    }

    private AzureRequestHandler(AzureRequestHandler handler, WorkerContext worker, HttpRequestData? classic)
        : base(handler.Function, handler.MaxRequestBodySize)
    {
        _worker = worker;
        _classic = classic;
    }

    /// <summary>
    /// The handler for one of the worker's invocations, carrying its context (and, in the built-in model, its request):
    /// a small object of its own is cheaper than entries in the <see cref="HttpContext.Items"/> dictionary, which each
    /// request would otherwise have to allocate.
    /// </summary>
    /// <param name="worker">The worker's invocation context.</param>
    /// <param name="classic">The built-in model's request, or <see langword="null"/> in the ASP.NET Core integration.</param>
    /// <returns>The handler, to serve that invocation's request with.</returns>
    public AzureRequestHandler For(WorkerContext worker, HttpRequestData? classic) => new(this, worker, classic);

    /// <summary>The invocation the core runs for one of the worker's invocations.</summary>
    public static FunctionInvocation CreateInvocation(WorkerContext context, FunctionTrigger? trigger, FunctionHttpRequest? request, Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? streamer = null)
    {
        var trace = context.TraceContext;
        return CreateInvocation(context, trigger, request, streamer, TraceParentOf(trace), trace?.TraceState is { Length: > 0 } traceState ? traceState : null);
    }

    protected override FunctionInvocation CreateInvocation(HttpContext context, FunctionHttpRequest? request, FunctionEventEnvelope? received)
    {
        var worker = _worker ?? throw new InvalidOperationException("The handler serves no invocation: bind it with For.");

        // The ASP.NET Core integration streams to the real response; the built-in model answers with a buffered body.
        Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? streamer = _classic is null ? StreamToHttpContext : null;
        var trace = worker.TraceContext;
        var traceParent = TraceParentOf(trace);
        var traceState = trace?.TraceState is { Length: > 0 } workerState ? workerState : null;
        if (traceParent is null && context.Request.Headers.TraceParent is [{ Length: > 0 } header])
        {
            // The worker had no trace context: the request's own header parents the invocation, as on every HTTP host.
            traceParent = header;
            traceState = context.Request.Headers.TraceState is [{ Length: > 0 } state] ? state : null;
        }

        var invocation = CreateInvocation(worker, trigger: null, request, streamer, traceParent, traceState);
        return _classic is not null ? invocation.WithFeature(_classic) : invocation.WithFeature(context);
    }

    private static string? TraceParentOf(Microsoft.Azure.Functions.Worker.TraceContext? trace) =>
        trace?.TraceParent is { Length: > 0 } traceParent ? traceParent : null;

    private static FunctionInvocation CreateInvocation(WorkerContext context, FunctionTrigger? trigger, FunctionHttpRequest? request, Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? streamer, string? traceParent, string? traceState) =>
        new FunctionInvocation
        {
            InvocationId = context.InvocationId,
            Provider = FunctionProvider.AzureFunctions,
            Trigger = trigger,
            TraceParent = traceParent,
            TraceState = traceState,
            PlatformCancellationToken = context.CancellationToken,
            Services = context.InstanceServices,
            HttpRequest = request,
            ResponseStreamer = streamer,
        }.WithFeature(context);
}
