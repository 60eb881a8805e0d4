using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portable.Functions.Http;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Serves the one target function on every path, as the Functions Framework contract requires: HTTP and typed
/// functions get the request unmodified; event functions get CloudEvents (binary, structured), legacy events and
/// Pub/Sub push bodies converted to CloudEvents. Failures carry <c>X-Google-Status</c>.
/// </summary>
internal sealed partial class FunctionsFrameworkHandler
{
    /// <summary>The header the other Functions Frameworks set on a function failure.</summary>
    public const string StatusHeader = "X-Google-Status";

    private readonly FunctionInvoker _function;
    private readonly GoogleCloudFunctionsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _plainEventSource;
    private readonly Func<HttpContext, Task<FunctionHttpResponse>> _invoke;

    private static readonly KeyValuePair<string, string> CrashHeader = new(StatusHeader, "crash");

    public FunctionsFrameworkHandler(FunctionInvoker function, GoogleCloudFunctionsOptions options, TimeProvider time, ILogger logger)
    {
        _function = function;
        _options = options;
        _time = time;
        _logger = logger;
        _plainEventSource = "/" + function.Name;
        _invoke = InvokeAsync;
    }

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals("/robots.txt", StringComparison.OrdinalIgnoreCase) || path.Equals("/favicon.ico", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return HttpServing.ServeAsync(context, _invoke, _logger, _function.Name, CrashHeader);
    }

    private async Task<FunctionHttpResponse> InvokeAsync(HttpContext context)
    {
        var body = await HttpRequestReader.ReadBodyAsync(context, _options.MaxRequestBodySize).ConfigureAwait(false);
        if (body is not { } bytes)
        {
            return FunctionHttpResponse.Problem(new FunctionProblem(413, "Payload Too Large")
            {
                Detail = $"The request body is larger than the {_options.MaxRequestBodySize} bytes this function accepts.",
            });
        }

        var request = context.Request;
        var traceParent = request.Headers.TraceParent.Count > 0 ? request.Headers.TraceParent.ToString() : null;
        var traceState = request.Headers.TraceState.Count > 0 ? request.Headers.TraceState.ToString() : null;
        if (_function.Kind != FunctionKind.Event)
        {
            var invocation = NewInvocation(FunctionTrigger.Http, traceParent, traceState).WithFeature(context);
            var response = await _function.InvokeHttpAsync(HttpRequestReader.Create(context, bytes), invocation, context.RequestAborted).ConfigureAwait(false);
            if (response.StatusCode == StatusCodes.Status500InternalServerError)
            {
                response.Headers[StatusHeader] = CrashHeader.Value;
            }

            return response;
        }

        try
        {
            var mode = CloudEventReader.GetMode(request);
            if (mode == EventRequestMode.Batch)
            {
                foreach (var envelope in CloudEventReader.ReadBatch(request.ContentType!, bytes))
                {
                    var response = await InvokeEventAsync(context, envelope, traceParent, traceState).ConfigureAwait(false);
                    if (response.StatusCode >= 300)
                    {
                        return response;
                    }
                }

                return FunctionHttpResponse.Empty(204);
            }

            var received = mode switch
            {
                EventRequestMode.Binary => CloudEventReader.ReadBinary(request, bytes),
                EventRequestMode.Structured => CloudEventReader.ReadStructured(request.ContentType!, bytes),
                _ => ReadPlainEvent(request, bytes),
            };
            return await InvokeEventAsync(context, received, traceParent, traceState).ConfigureAwait(false);
        }
        catch (CloudEventFormatException exception)
        {
            LogInvalidEvent(_logger, _function.Name, exception.Message);
            return FunctionHttpResponse.Problem(new FunctionProblem(400, "Invalid CloudEvent") { Detail = exception.Message });
        }
    }

    private async Task<FunctionHttpResponse> InvokeEventAsync(HttpContext context, FunctionEventEnvelope received, string? traceParent, string? traceState)
    {
        var envelope = _options.UnwrapEventData ? GoogleEventData.Unwrap(received) : received;
        var invocation = NewInvocation(GoogleEventData.TriggerOf(received.Type), traceParent, traceState)
            .WithFeature(new CloudEventFeature(received))
            .WithFeature(context);
        var result = await _function.InvokeEventAsync(envelope, invocation, context.RequestAborted).ConfigureAwait(false);
        var response = result.ToHttpResponse();
        if (result.Status is FunctionEventStatus.Failed or FunctionEventStatus.TimedOut)
        {
            response.Headers[StatusHeader] = "error";
        }

        return response;
    }

    /// <summary>A body that is not a CloudEvent: a legacy GCF event, a Pub/Sub push, or plain JSON wrapped as an event.</summary>
    private FunctionEventEnvelope ReadPlainEvent(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        var contentType = request.ContentType;
        if (contentType is not null && !MediaTypes.IsJson(contentType))
        {
            throw new CloudEventFormatException($"Function '{_function.Name}' takes a CloudEvent (binary or structured mode), a legacy event or a JSON body; '{contentType}' is none of them.");
        }

        JsonNode? root;
        try
        {
            root = body.IsEmpty ? null : JsonNode.Parse(body.Span);
        }
        catch (JsonException)
        {
            throw new CloudEventFormatException("The request is not a CloudEvent and its body is not valid JSON.");
        }

        if (root is JsonObject obj && LegacyEventConverter.IsLegacyOrPushBody(obj))
        {
            return LegacyEventConverter.Convert(obj, request.Path.Value ?? "/");
        }

        return new FunctionEventEnvelope
        {
            Id = Guid.NewGuid().ToString(),
            Source = _plainEventSource,
            Type = Portable.Functions.Http.FunctionRequestHandler.PlainEventType,
            Time = _time.GetUtcNow(),
            DataContentType = MediaTypes.Json,
            Data = body,
        };
    }

    private FunctionInvocation NewInvocation(FunctionTrigger trigger, string? traceParent, string? traceState) => new()
    {
        Provider = FunctionProvider.GoogleCloudFunctions,
        Trigger = trigger,
        Deadline = _options.RequestTimeout is { } timeout ? _time.GetUtcNow() + timeout : null,
        TraceParent = traceParent,
        TraceState = traceState,
    };

    [LoggerMessage(2, LogLevel.Information, "Function {FunctionName} received an invalid event: {Reason}")]
    private static partial void LogInvalidEvent(ILogger logger, string functionName, string reason);
}
