using Microsoft.AspNetCore.Http;

namespace Portable.Functions.Http;

/// <summary>
/// Serves one function from ASP.NET Core requests: the one layer between ASP.NET Core and the core that the HTTP host,
/// the Functions Framework host and the Azure Functions ASP.NET Core integration share. It buffers the body within a
/// size limit, decodes CloudEvents (binary, structured, batch), and hands everything to the function's
/// <see cref="FunctionInvoker"/> — typed and HTTP requests, plain bodies posted to event functions, decoded events;
/// its own rejections (size, invalid CloudEvent) and a failure of its own go through the core too. Derive from it to
/// speak a platform's dialect: <see cref="CreateInvocation"/>, <see cref="ReadPlainEvent"/>,
/// <see cref="PrepareEvent"/> and <see cref="WriteAsync"/> are the seams.
/// </summary>
public class FunctionRequestHandler
{
    private const string WebhookRequestOrigin = "WebHook-Request-Origin";
    private const string WebhookAllowedOrigin = "WebHook-Allowed-Origin";
    private const string WebhookAllowedRate = "WebHook-Allowed-Rate";

    /// <summary>The default largest request body: 6 MiB, AWS Lambda's limit for a synchronous request.</summary>
    public const long DefaultMaxRequestBodySize = 6 * 1024 * 1024;

    /// <summary>Initializes a new instance of the <see cref="FunctionRequestHandler"/> class.</summary>
    /// <param name="function">The function to serve.</param>
    /// <param name="maxRequestBodySize">The largest request body accepted; a larger one is answered with 413.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRequestBodySize"/> is not positive.</exception>
    public FunctionRequestHandler(FunctionInvoker function, long maxRequestBodySize = DefaultMaxRequestBodySize)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRequestBodySize);
        Function = function;
        MaxRequestBodySize = maxRequestBodySize;
    }

    /// <summary>Gets the function served.</summary>
    public FunctionInvoker Function { get; }

    /// <summary>Gets the largest request body accepted.</summary>
    public long MaxRequestBodySize { get; }

    /// <summary>
    /// Serves a request end to end: <see cref="InvokeAsync"/>, then <see cref="WriteAsync"/>. A caller that went away
    /// gets nothing; a request the server cannot read is a client error; a defect of the host itself becomes a 500
    /// through <see cref="FunctionInvoker.Fail"/>.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Function.Kind == FunctionKind.Event && TryAnswerWebhookValidation(context))
        {
            return;
        }

        FunctionResult result;
        try
        {
            result = await InvokeAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // The caller went away; there is nobody to answer.
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            // The server could not read the request (a malformed chunked body, a truncated one): the client's mistake.
            var problem = exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? FunctionProblems.PayloadTooLarge(MaxRequestBodySize)
                : new FunctionProblem(exception.StatusCode is >= 400 and < 500 ? exception.StatusCode : 400, "Bad Request") { Detail = "The request could not be read: it was malformed or ended early." };
            result = Function.Reject(problem, CreateInvocation(context, null, null));
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            result = Function.Fail(exception, CreateInvocation(context, null, null));
        }

        using (result) // a typed function's pooled body goes back once it is written
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            if (context.Response.HasStarted || FunctionHttpResponseWriter.WasStreamed(context))
            {
                // The body was streamed within the invocation. A failure after the head was sent cannot become a problem
                // any more: the connection is cut, so that the client sees a broken response rather than a complete one.
                if (!result.Succeeded)
                {
                    context.Abort();
                }

                return;
            }

            if (!result.Succeeded)
            {
                context.Response.Clear(); // a streamed response that failed before its first write left its head behind
            }

            try
            {
                await WriteAsync(context, result).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && !context.Response.HasStarted)
            {
                // The response could not be written as the function made it (a header value the server refuses, such as
                // one with CR or LF): the caller gets the host's 500 problem instead, logged with the reason.
                context.Response.Clear();
                await FunctionHttpResponseWriter.WriteAsync(context, Function.Fail(exception, CreateInvocation(context, null, null)).Response).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads the request and invokes the function, without writing anything: for integrations that answer in their
    /// own terms (an <c>IActionResult</c>). Event functions take CloudEvents (a batch runs its events in order and
    /// answers with the first failure) or a plain <c>POST</c> whose body becomes the event's data.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>The result.</returns>
    /// <exception cref="OperationCanceledException">The caller went away while the body was read.</exception>
    /// <exception cref="BadHttpRequestException">The server could not read the body.</exception>
    public virtual async ValueTask<FunctionResult> InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = await FunctionHttpRequestReader.ReadAsync(context, MaxRequestBodySize).ConfigureAwait(false);
        if (request is null)
        {
            return Function.Reject(FunctionProblems.PayloadTooLarge(MaxRequestBodySize), CreateInvocation(context, null, null));
        }

        if (Function.Kind != FunctionKind.Event)
        {
            return await Function.InvokeHttpAsync(request, CreateInvocation(context, request, null), context.RequestAborted).ConfigureAwait(false);
        }

        try
        {
            var mode = HttpMethods.IsPost(context.Request.Method) ? CloudEventRequestReader.GetMode(context.Request) : CloudEventRequestMode.None;
            switch (mode)
            {
                case CloudEventRequestMode.Binary:
                    return await InvokeEventAsync(context, request, CloudEventRequestReader.ReadBinary(context.Request, request.Body)).ConfigureAwait(false);

                case CloudEventRequestMode.Structured:
                    return await InvokeEventAsync(context, request, CloudEventRequestReader.ReadStructured(context.Request.ContentType!, request.Body)).ConfigureAwait(false);

                case CloudEventRequestMode.Batch:
                    var events = CloudEventRequestReader.ReadBatch(context.Request.ContentType!, request.Body);
                    if (events.Count == 0)
                    {
                        throw new InvalidCloudEventException("The batch holds no events.");
                    }

                    FunctionResult? result = null;
                    foreach (var received in events)
                    {
                        result = await InvokeEventAsync(context, request, received).ConfigureAwait(false);
                        if (!result.Succeeded)
                        {
                            break;
                        }
                    }

                    return result!;

                default:
                    return ReadPlainEvent(context, request) is { } converted
                        ? await InvokeEventAsync(context, request, converted).ConfigureAwait(false)
                        : await Function.InvokeHttpAsync(request, CreateInvocation(context, request, null), context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (InvalidCloudEventException exception)
        {
            return Function.Reject(FunctionProblems.InvalidCloudEvent(exception.Message), CreateInvocation(context, request, null));
        }
    }

    /// <summary>
    /// Answers the CloudEvents webhook validation handshake (abuse protection, as Azure Event Grid sends it before it
    /// delivers to a webhook): an <c>OPTIONS</c> request with <c>WebHook-Request-Origin</c> is allowed by echoing the
    /// origin in <c>WebHook-Allowed-Origin</c>, with no rate limit. It is not an invocation: nothing runs.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns><see langword="true"/> when the request was a validation request and has been answered.</returns>
    public static bool TryAnswerWebhookValidation(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!HttpMethods.IsOptions(context.Request.Method) || context.Request.Headers[WebhookRequestOrigin] is not [{ Length: > 0 } origin])
        {
            return false;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers[WebhookAllowedOrigin] = origin;
        response.Headers[WebhookAllowedRate] = "*";
        response.Headers.Allow = "POST, OPTIONS";
        return true;
    }

    /// <summary>
    /// Describes an invocation for the core: by default a local one, parented by the request's <c>traceparent</c>,
    /// in ASP.NET Core's request scope, offering the <see cref="HttpContext"/> as a feature. Derived handlers name
    /// their platform and trigger, and add their features.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="request">The request as read, or <see langword="null"/> when it could not be read.</param>
    /// <param name="received">The event as received, for an event invocation; otherwise <see langword="null"/>.</param>
    /// <returns>The invocation.</returns>
    protected virtual FunctionInvocation CreateInvocation(HttpContext context, FunctionHttpRequest? request, FunctionEventEnvelope? received) =>
        NewInvocation(context, request, FunctionProvider.Local, trigger: null);

    /// <summary>
    /// Turns a plain (non-CloudEvent) request to an event function into an event, or returns <see langword="null"/> to
    /// let the core make one of type <see cref="FunctionEvent.HttpRequestType"/> from the body. The Functions Framework
    /// host converts legacy events here.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="request">The request.</param>
    /// <returns>The event, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidCloudEventException">The request is an event of a known shape, but not a valid one.</exception>
    protected virtual FunctionEventEnvelope? ReadPlainEvent(HttpContext context, FunctionHttpRequest request) => null;

    /// <summary>Prepares a received event for the function — the Functions Framework host unwraps Pub/Sub messages here.</summary>
    /// <param name="received">The event as received.</param>
    /// <returns>The event to invoke the function with.</returns>
    /// <exception cref="InvalidCloudEventException">The event's data is not what its type promises.</exception>
    protected virtual FunctionEventEnvelope PrepareEvent(FunctionEventEnvelope received) => received;

    /// <summary>Writes the result's response; derived handlers add their platform's headers.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="result">The result.</param>
    /// <returns>A task that completes when the response is written.</returns>
    protected virtual Task WriteAsync(HttpContext context, FunctionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return FunctionHttpResponseWriter.WriteAsync(context, result.Response);
    }

    /// <summary>An invocation for a request: trace headers, ASP.NET Core's request scope, the <see cref="HttpContext"/> feature.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="request">The request as read, or <see langword="null"/>.</param>
    /// <param name="provider">The platform.</param>
    /// <param name="trigger">The trigger, or <see langword="null"/> for the function kind's default.</param>
    /// <returns>The invocation.</returns>
    protected static FunctionInvocation NewInvocation(HttpContext context, FunctionHttpRequest? request, FunctionProvider provider, FunctionTrigger? trigger)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        return new FunctionInvocation
        {
            Provider = provider,
            Trigger = trigger,
            TraceParent = headers.TraceParent.Count > 0 ? headers.TraceParent.ToString() : null,
            TraceState = headers.TraceState.Count > 0 ? headers.TraceState.ToString() : null,
            Services = context.RequestServices,
            HttpRequest = request,
            ResponseStreamer = StreamToHttpContext,
        }.WithFeature(context);
    }

    /// <summary>Streams a response to the <see cref="HttpContext"/> the invocation offers as a feature.</summary>
    /// <param name="response">The response, with a body writer.</param>
    /// <param name="context">The invocation's context.</param>
    /// <param name="cancellationToken">The invocation's token.</param>
    /// <returns>A task that completes when the body is written.</returns>
    protected static Task StreamToHttpContext(FunctionHttpResponse response, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetFeature<HttpContext>() ?? throw new InvalidOperationException("The invocation offers no HttpContext to stream to.");
        return FunctionHttpResponseWriter.StreamAsync(http, response, cancellationToken);
    }

    private ValueTask<FunctionResult> InvokeEventAsync(HttpContext context, FunctionHttpRequest request, FunctionEventEnvelope received) =>
        Function.InvokeEventAsync(PrepareEvent(received), CreateInvocation(context, request, received), context.RequestAborted);
}
