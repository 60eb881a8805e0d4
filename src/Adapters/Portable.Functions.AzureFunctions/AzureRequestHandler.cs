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
internal sealed class AzureRequestHandler(FunctionInvoker function, long maxRequestBodySize) : FunctionRequestHandler(function, maxRequestBodySize)
{
    private static readonly object WorkerContextKey = new();
    private static readonly object RequestDataKey = new();

    /// <summary>Ties the worker's context (and, in the built-in model, its request) to the HTTP context the layer serves.</summary>
    public static void Attach(HttpContext http, WorkerContext context, HttpRequestData? classic)
    {
        http.Items[WorkerContextKey] = context;
        if (classic is not null)
        {
            http.Items[RequestDataKey] = classic;
        }
    }

    /// <summary>The invocation the core runs for one of the worker's invocations.</summary>
    public static FunctionInvocation CreateInvocation(WorkerContext context, FunctionTrigger? trigger, FunctionHttpRequest? request, Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? streamer = null)
    {
        var trace = context.TraceContext;
        return new FunctionInvocation
        {
            InvocationId = context.InvocationId,
            Provider = FunctionProvider.AzureFunctions,
            Trigger = trigger,
            TraceParent = trace?.TraceParent is { Length: > 0 } traceParent ? traceParent : null,
            TraceState = trace?.TraceState is { Length: > 0 } traceState ? traceState : null,
            PlatformCancellationToken = context.CancellationToken,
            Services = context.InstanceServices,
            HttpRequest = request,
            ResponseStreamer = streamer,
        }.WithFeature(context);
    }

    protected override FunctionInvocation CreateInvocation(HttpContext context, FunctionHttpRequest? request, FunctionEventEnvelope? received)
    {
        var worker = (WorkerContext)context.Items[WorkerContextKey]!;
        var classic = context.Items[RequestDataKey] as HttpRequestData;

        // The ASP.NET Core integration streams to the real response; the built-in model answers with a buffered body.
        Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? streamer = classic is null ? StreamToHttpContext : null;
        var invocation = CreateInvocation(worker, trigger: null, request, streamer);
        if (invocation.TraceParent is null && context.Request.Headers.TraceParent is [{ Length: > 0 } header])
        {
            // The worker had no trace context: the request's own header parents the invocation, as on every HTTP host.
            invocation = new FunctionInvocation
            {
                InvocationId = invocation.InvocationId,
                Provider = invocation.Provider,
                TraceParent = header,
                TraceState = context.Request.Headers.TraceState is [{ Length: > 0 } state] ? state : null,
                PlatformCancellationToken = invocation.PlatformCancellationToken,
                Services = invocation.Services,
                HttpRequest = request,
                ResponseStreamer = streamer,
            }.WithFeature(worker);
        }

        return classic is not null ? invocation.WithFeature(classic) : invocation.WithFeature(context);
    }
}
