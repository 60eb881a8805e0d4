using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portable.Functions.Http;

/// <summary>
/// Serves one function over HTTP: typed functions take a JSON POST, HTTP functions take anything, event functions
/// take CloudEvents (binary, structured, batch) or a plain JSON body. Everything else — binding, middleware, errors,
/// tracing — is the core's <see cref="FunctionInvoker"/>.
/// </summary>
internal sealed partial class FunctionRequestHandler
{
    private readonly FunctionInvoker _function;
    private readonly FunctionsHttpHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _plainEventSource;
    private readonly Func<HttpContext, Task<FunctionHttpResponse>> _invoke;

    public FunctionRequestHandler(FunctionInvoker function, IOptions<FunctionsHttpHostOptions> options, TimeProvider time, ILogger<FunctionRequestHandler> logger)
    {
        _function = function;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _plainEventSource = "/" + function.Name;
        _invoke = InvokeAsync;
    }

    /// <summary>The event type given to a plain JSON body posted to an event function.</summary>
    public const string PlainEventType = "dev.portablefunctions.http.request";

    public Task HandleAsync(HttpContext context) => HttpServing.ServeAsync(context, _invoke, _logger, _function.Name);

    private async Task<FunctionHttpResponse> InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (_function.Kind != FunctionKind.Http && !HttpMethods.IsPost(request.Method))
        {
            var notAllowed = FunctionHttpResponse.Problem(new FunctionProblem(405, "Method Not Allowed")
            {
                Detail = $"Function '{_function.Name}' accepts POST requests only.",
            });
            notAllowed.Headers["Allow"] = "POST";
            return notAllowed;
        }

        var body = await HttpRequestReader.ReadBodyAsync(context, _options.MaxRequestBodySize).ConfigureAwait(false);
        if (body is not { } bytes)
        {
            return FunctionHttpResponse.Problem(new FunctionProblem(413, "Payload Too Large")
            {
                Detail = $"The request body is larger than the {_options.MaxRequestBodySize} bytes this host accepts.",
            });
        }

        var invocation = new FunctionInvocation
        {
            Provider = FunctionProvider.Local,
            Trigger = _function.Kind == FunctionKind.Event ? FunctionTrigger.PubSub : FunctionTrigger.Http,
            Deadline = _options.RequestTimeout is { } timeout ? _time.GetUtcNow() + timeout : null,
            TraceParent = request.Headers.TraceParent.Count > 0 ? request.Headers.TraceParent.ToString() : null,
            TraceState = request.Headers.TraceState.Count > 0 ? request.Headers.TraceState.ToString() : null,
        }.WithFeature(context);

        if (_function.Kind != FunctionKind.Event)
        {
            return await _function.InvokeHttpAsync(HttpRequestReader.Create(context, bytes), invocation, context.RequestAborted).ConfigureAwait(false);
        }

        return await InvokeEventAsync(context, bytes, invocation).ConfigureAwait(false);
    }

    private async Task<FunctionHttpResponse> InvokeEventAsync(HttpContext context, ReadOnlyMemory<byte> body, FunctionInvocation invocation)
    {
        var request = context.Request;
        var mode = CloudEventReader.GetMode(request);
        try
        {
            switch (mode)
            {
                case EventRequestMode.Binary:
                    return (await _function.InvokeEventAsync(CloudEventReader.ReadBinary(request, body), invocation, context.RequestAborted).ConfigureAwait(false)).ToHttpResponse();

                case EventRequestMode.Structured:
                    return (await _function.InvokeEventAsync(CloudEventReader.ReadStructured(request.ContentType!, body), invocation, context.RequestAborted).ConfigureAwait(false)).ToHttpResponse();

                case EventRequestMode.Batch:
                    foreach (var envelope in CloudEventReader.ReadBatch(request.ContentType!, body))
                    {
                        var result = await _function.InvokeEventAsync(envelope, invocation, context.RequestAborted).ConfigureAwait(false);
                        if (!result.Succeeded)
                        {
                            result.Problem!.Extensions["eventId"] = envelope.Id;
                            return result.ToHttpResponse();
                        }
                    }

                    return FunctionHttpResponse.Empty(204);

                default:
                    return await InvokePlainEventAsync(request, body, invocation, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (CloudEventFormatException exception)
        {
            LogInvalidCloudEvent(_logger, _function.Name, exception.Message);
            return FunctionHttpResponse.Problem(new FunctionProblem(400, "Invalid CloudEvent") { Detail = exception.Message });
        }
    }

    private async Task<FunctionHttpResponse> InvokePlainEventAsync(HttpRequest request, ReadOnlyMemory<byte> body, FunctionInvocation invocation, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType;
        if (contentType is not null && !MediaTypes.IsJson(contentType) && !MediaTypes.GetMediaType(contentType).StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            return FunctionHttpResponse.Problem(new FunctionProblem(415, "Unsupported Media Type")
            {
                Detail = $"Function '{_function.Name}' takes a CloudEvent (binary or structured mode) or a JSON body.",
            });
        }

        var envelope = new FunctionEventEnvelope
        {
            Id = Guid.NewGuid().ToString(),
            Source = _plainEventSource,
            Type = PlainEventType,
            Time = _time.GetUtcNow(),
            DataContentType = contentType ?? MediaTypes.Json,
            Data = body,
        };
        var result = await _function.InvokeEventAsync(envelope, invocation, cancellationToken).ConfigureAwait(false);
        return result.ToHttpResponse();
    }

    [LoggerMessage(2, LogLevel.Information, "Function {FunctionName} received an invalid CloudEvent: {Reason}")]
    private static partial void LogInvalidCloudEvent(ILogger logger, string functionName, string reason);
}
