using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portable.Functions.Http;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Serves the one target function on every path, as the Functions Framework contract requires: the shared ASP.NET Core
/// layer, plus Google's dialect — legacy events and Pub/Sub push bodies converted to CloudEvents, Pub/Sub and Cloud
/// Storage data unwrapped, the <see cref="CloudEventFeature"/>, and <c>X-Google-Status</c> on failures.
/// </summary>
internal sealed class FunctionsFrameworkHandler(FunctionInvoker function, GoogleCloudFunctionsOptions options)
    : FunctionRequestHandler(function, options.MaxRequestBodySize)
{
    /// <summary>The header the other Functions Frameworks set on a function failure.</summary>
    public const string StatusHeader = "X-Google-Status";

    /// <summary>The contract's <c>/robots.txt</c> and <c>/favicon.ico</c>: a 404 the function never sees.</summary>
    public Task NotFoundAsync(HttpContext context)
    {
        var path = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
        return base.WriteAsync(context, Function.Reject(FunctionProblems.NotFound(path), CreateInvocation(context, null, null)));
    }

    protected override FunctionInvocation CreateInvocation(HttpContext context, FunctionHttpRequest? request, FunctionEventEnvelope? received)
    {
        var invocation = NewInvocation(context, request, FunctionProvider.GoogleCloudFunctions, received is null ? null : GoogleEventData.TriggerOf(received.Type));
        return received is null ? invocation : invocation.WithFeature(new CloudEventFeature(received));
    }

    /// <summary>A body that is not a CloudEvent: a legacy GCF event or a Pub/Sub push, converted; anything else is a plain event.</summary>
    protected override FunctionEventEnvelope? ReadPlainEvent(HttpContext context, FunctionHttpRequest request)
    {
        if (request.Body.IsEmpty || LegacyEventConverter.IsPlainObject(request.Body.Span))
        {
            return null; // an ordinary body: no need to parse it into a tree to find that out
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(request.Body.Span);
        }
        catch (JsonException)
        {
            return null; // Not JSON: the core answers with its media type (415) or where it breaks (400).
        }

        return root is JsonObject obj && LegacyEventConverter.IsLegacyOrPushBody(obj)
            ? LegacyEventConverter.Convert(obj, request.Path)
            : null;
    }

    protected override FunctionEventEnvelope PrepareEvent(FunctionEventEnvelope received) =>
        options.UnwrapEventData ? GoogleEventData.Unwrap(received) : received;

    protected override Task WriteAsync(HttpContext context, FunctionResult result)
    {
        // The Go, Node and PHP frameworks mark an unhandled failure: "crash" for HTTP functions, "error" for event functions.
        if (Function.Kind == FunctionKind.Event ? result.Status is FunctionStatus.Failed or FunctionStatus.TimedOut : result.Status is FunctionStatus.Failed)
        {
            result.Response.Headers[StatusHeader] = Function.Kind == FunctionKind.Event ? "error" : "crash";
        }

        return base.WriteAsync(context, result);
    }
}
