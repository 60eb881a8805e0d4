using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Runs the selected function for one Lambda payload: finds the payload's source (declared or detected), translates
/// it into the core's request or events, invokes the function through its <see cref="FunctionInvoker"/>, and
/// translates each <see cref="FunctionResult"/> into the response (or the error) that source expects. Payloads it
/// cannot take are answered through <see cref="FunctionInvoker.Reject"/>, so they too are logged and traced.
/// </summary>
internal sealed class LambdaFunctionDispatcher
{
    private static readonly Dictionary<string, StringValues> DirectHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Content-Type"] = EventMapper.JsonMediaType,
    };

    private readonly FunctionInvoker _function;
    private readonly LambdaEventSource _declaredSource;
    private readonly int _batchConcurrency;
    private readonly bool _rentEventData;
    private readonly bool _includeDetails;
    private readonly string _directPath;
    private readonly RuntimeApiClient? _client;
    private readonly bool _streamFunctionUrls;

    public LambdaFunctionDispatcher(FunctionInvoker function, AwsLambdaFunctionsOptions options, FunctionsOptions functionsOptions, RuntimeApiClient? client = null)
    {
        _client = client;
        _streamFunctionUrls = options.InvokeMode == LambdaInvokeMode.ResponseStream;
        _function = function;
        _declaredSource = options.GetEventSource(function.Name);
        _batchConcurrency = Math.Max(1, options.BatchConcurrency);
        // The data binding copies whatever it keeps, except into ReadOnlyMemory<byte>, which is the buffer itself.
        _rentEventData = function.Kind == FunctionKind.Event
            && function.InputType != typeof(ReadOnlyMemory<byte>) && function.InputType != typeof(ReadOnlyMemory<byte>?);
        _includeDetails = functionsOptions.IncludeExceptionDetails;
        _directPath = "/" + function.Name;
    }

    public FunctionInvoker Function => _function;

    public async ValueTask<LambdaOutcome> DispatchAsync(RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        var payload = next.Event;
        var source = _declaredSource;
        var detectedQuickly = false;
        if (source == LambdaEventSource.Auto && EventSourceDetector.TryDetectQuickly(payload, out var quick, out var quickSource)
            && (quick == DetectedPayload.Supported || _function.Kind != FunctionKind.Event))
        {
            // What Detect concludes for valid JSON, told without reading every value; invalid JSON is found below.
            source = quickSource;
            detectedQuickly = true;
        }
        else if (source == LambdaEventSource.Auto)
        {
            DetectedPayload detected;
            string? description;
            try
            {
                detected = EventSourceDetector.Detect(payload, out source, out description);
            }
            catch (JsonException exception)
            {
                if (_function.Kind == FunctionKind.Event)
                {
                    return Reject(next, feature, "Function.InvalidEvent", FunctionProblems.InvalidEvent("The event is not valid JSON" + Where(exception)));
                }

                // The typed invoker reports where the JSON breaks (line and position) as a 400.
                detected = DetectedPayload.Unrecognized;
                source = LambdaEventSource.Direct;
                description = null;
            }

            if (detected == DetectedPayload.Unsupported)
            {
                return Reject(next, feature, "Function.UnsupportedEventSource", FunctionProblems.UnsupportedEvent(
                    $"Function '{_function.Name}' received {description}, which Portable.Functions does not map. Supported: API Gateway REST and HTTP APIs, Function URLs, ALB, SQS, SNS, S3, EventBridge, Kinesis and DynamoDB Streams."));
            }

            if (detected == DetectedPayload.Unrecognized && _function.Kind == FunctionKind.Event)
            {
                return Reject(next, feature, "Function.UnrecognizedEvent", FunctionProblems.UnsupportedEvent(
                    $"Function '{_function.Name}' received a payload that is not an AWS event it recognizes. To invoke the event function directly with its data, declare its event source as Direct (AwsLambdaFunctionsOptions.UseEventSource)."));
            }
        }

        feature.EventSource = source;
        try
        {
            switch (source)
            {
                case LambdaEventSource.ApiGatewayRest:
                case LambdaEventSource.HttpApi:
                case LambdaEventSource.ApplicationLoadBalancer:
                    return await DispatchHttpAsync(source, next, feature, cancellationToken).ConfigureAwait(false);
                case LambdaEventSource.Direct:
                    return await DispatchDirectAsync(next, feature, cancellationToken).ConfigureAwait(false);
                default:
                    return await DispatchEventsAsync(source, next, feature, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException exception)
        {
            if (detectedQuickly && source != LambdaEventSource.Direct && NotValidJson(payload) is { } invalid)
            {
                // The quick look validates nothing it skips: invalid JSON is answered as the detector answers it.
                if (_function.Kind == FunctionKind.Event)
                {
                    return Reject(next, feature, "Function.InvalidEvent", FunctionProblems.InvalidEvent("The event is not valid JSON" + Where(invalid)));
                }

                feature.EventSource = LambdaEventSource.Direct;
                return await DispatchDirectAsync(next, feature, cancellationToken).ConfigureAwait(false);
            }

            return Reject(next, feature, "Function.InvalidEvent", FunctionProblems.InvalidEvent($"The payload is not a valid {source} event{Where(exception)}"));
        }
    }

    /// <summary>The detector's error when the payload is not valid JSON; <see langword="null"/> when it is.</summary>
    private static JsonException? NotValidJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            EventSourceDetector.Detect(payload, out _, out _);
            return null;
        }
        catch (JsonException exception)
        {
            return exception;
        }
    }

    /// <summary>
    /// Says where a payload broke, safe to show a caller: System.Text.Json's messages name .NET types ("could not be
    /// converted to System.String"), so only its path and position are used; the mapper's own messages (no position)
    /// are written for callers and used as they are.
    /// </summary>
    private static string Where(JsonException exception)
    {
        if (exception.Path is null && exception.LineNumber is null)
        {
            return ": " + exception.Message;
        }

        var where = exception.Path is { Length: > 0 } path ? $" at '{path}'" : string.Empty;
        return exception.LineNumber is { } line
            ? where + string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1}).")
            : where + ".";
    }

    /// <summary>The error report of a failure the core answered: the exception's type for a function that threw, else the status's name.</summary>
    public LambdaOutcome ErrorOf(FunctionResult result)
    {
        var problem = result.Problem!;
        var message = problem.Detail ?? problem.Title;
        return result.Status == FunctionStatus.Failed && result.Exception is { } exception and not FunctionProblemException
            ? LambdaOutcome.FromException(exception, message, _includeDetails)
            : LambdaOutcome.Error(HttpStatusText.ErrorType(result.StatusCode), message);
    }

    /// <summary>A defect of the runtime while it served the invocation: answered through the core (log, span, id), reported as the exception's type.</summary>
    public LambdaOutcome Fail(RuntimeInvocation next, LambdaInvocationFeature feature, Exception exception)
    {
        var result = _function.Fail(exception, CreateInvocation(next, feature, null, null));
        return LambdaOutcome.FromException(exception, result.Problem!.Detail ?? result.Problem.Title, _includeDetails);
    }

    private LambdaOutcome Reject(RuntimeInvocation next, LambdaInvocationFeature feature, string errorType, FunctionProblem problem)
    {
        var result = _function.Reject(problem, CreateInvocation(next, feature, null, null));
        return LambdaOutcome.Error(errorType, result.Problem!.Detail ?? result.Problem.Title);
    }

    private async ValueTask<LambdaOutcome> DispatchHttpAsync(LambdaEventSource source, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        var read = source switch
        {
            LambdaEventSource.ApiGatewayRest => HttpEventMapper.ReadRest(next.Event),
            LambdaEventSource.HttpApi => HttpEventMapper.ReadHttpApi(next.Event),
            _ => HttpEventMapper.ReadAlb(next.Event),
        };

        // A Function URL whose invoke mode is RESPONSE_STREAM takes every answer as a stream (the prelude, then the
        // body), and the function's FunctionHttpResponse.Stream writes reach the caller as they happen; every other
        // source, and every Function URL in the default BUFFERED mode, gets the buffered response.
        var streaming = _streamFunctionUrls && read.FunctionUrl && _function.Kind == FunctionKind.Http && _client is not null
            ? new StreamedAnswer(_client, next.RequestId!)
            : null;
        var invocation = CreateInvocation(next, feature, FunctionTrigger.Http, null, streaming is null ? null : streaming.StreamAsync);
        var result = read.Problem is { } problem
            ? _function.Reject(problem, invocation)
            : await _function.InvokeHttpAsync(read.Request!, invocation, cancellationToken).ConfigureAwait(false);

        if (streaming is not null)
        {
            using (result)
            {
                await streaming.FinishAsync(result, result.Succeeded ? default : ErrorOf(result)).ConfigureAwait(false);
            }

            return LambdaOutcome.Answered;
        }

        using (result) // the envelope holds a copy of the body
        {
            return LambdaOutcome.SuccessRented(source switch
            {
                LambdaEventSource.ApiGatewayRest => HttpEventMapper.WriteRest(result.Response, rent: true),
                LambdaEventSource.HttpApi => HttpEventMapper.WriteHttpApi(result.Response, rent: true),
                _ => HttpEventMapper.WriteAlb(result.Response, read.MultiValue, rent: true),
            });
        }
    }

    private async ValueTask<LambdaOutcome> DispatchDirectAsync(RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        var invocation = CreateInvocation(next, feature, FunctionTrigger.Other, null);
        if (_function.Kind == FunctionKind.Event)
        {
            var envelope = new FunctionEventEnvelope
            {
                Id = next.RequestId!,
                Source = next.InvokedFunctionArn ?? "aws:lambda",
                Type = EventMapper.DirectType,
                DataContentType = EventMapper.SniffContentType(next.Event),
                Data = next.Event,
            };
            var eventResult = await _function.InvokeEventAsync(envelope, invocation, cancellationToken).ConfigureAwait(false);
            return eventResult.Succeeded ? LambdaOutcome.Success(ReadOnlyMemory<byte>.Empty) : ErrorOf(eventResult);
        }

        var request = new FunctionHttpRequest
        {
            Method = "POST",
            Path = _directPath,
            Headers = DirectHeaders,
            Body = next.Event,
        };
        var result = await _function.InvokeHttpAsync(request, invocation, cancellationToken).ConfigureAwait(false);
        return result.Problem is null ? LambdaOutcome.Success(result) : ErrorOf(result);
    }

    private async ValueTask<LambdaOutcome> DispatchEventsAsync(LambdaEventSource source, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        if (_function.Kind != FunctionKind.Event)
        {
            return Reject(next, feature, "Function.UnsupportedEventSource", FunctionProblems.UnsupportedEvent(
                $"Function '{_function.Name}' is a {_function.Kind.ToString().ToLowerInvariant()} function; {source} events need an event function (IEventFunction<TData>)."));
        }

        var batch = EventMapper.Read(source, next.Event, _rentEventData);
        var items = batch.Items;
        var shared = CreateInvocation(next, feature, batch.Trigger, null);
        switch (batch.Mode)
        {
            case BatchMode.WholeEvent:
                foreach (var item in items)
                {
                    var result = await InvokeItemAsync(item, shared, next, feature, cancellationToken).ConfigureAwait(false);
                    if (!result.Succeeded)
                    {
                        return ErrorOf(result);
                    }
                }

                return LambdaOutcome.Success(ReadOnlyMemory<byte>.Empty);

            case BatchMode.EachRecord when _batchConcurrency > 1 && items.Length > 1:
                return await DispatchConcurrentlyAsync(batch, shared, next, feature, cancellationToken).ConfigureAwait(false);

            default:
                List<string>? failures = null; // made at the first failure: most batches have none
                for (var i = 0; i < items.Length; i++)
                {
                    var result = await InvokeItemAsync(items[i], shared, next, feature, cancellationToken).ConfigureAwait(false);
                    if (result.Succeeded)
                    {
                        continue;
                    }

                    failures ??= [];
                    failures.Add(items[i].ItemIdentifier);
                    if (batch.Mode == BatchMode.OrderedCheckpoint)
                    {
                        break;
                    }

                    if (batch.Mode == BatchMode.OrderedRest)
                    {
                        for (var rest = i + 1; rest < items.Length; rest++)
                        {
                            failures.Add(items[rest].ItemIdentifier);
                        }

                        break;
                    }
                }

                return LambdaOutcome.Success(EnvelopeWriter.WriteBatchResponse(failures));
        }
    }

    private async Task<LambdaOutcome> DispatchConcurrentlyAsync(EventBatch batch, FunctionInvocation shared, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        var items = batch.Items;
        var failed = new bool[items.Length];
        using var gate = new SemaphoreSlim(_batchConcurrency);
        var tasks = new Task[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            tasks[i] = RunOneAsync(i);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var failures = new List<string>();
        for (var i = 0; i < items.Length; i++)
        {
            if (failed[i])
            {
                failures.Add(items[i].ItemIdentifier);
            }
        }

        return LambdaOutcome.Success(EnvelopeWriter.WriteBatchResponse(failures));

        async Task RunOneAsync(int index)
        {
            try
            {
                await Task.Yield();
                var result = await InvokeItemAsync(items[index], shared, next, feature, cancellationToken).ConfigureAwait(false);
                failed[index] = !result.Succeeded;
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>
    /// Invokes one record: with the batch's shared invocation (read-only once made, so records running concurrently can
    /// share it), or with one of its own when the record carries its own trace.
    /// </summary>
    /// <remarks>A record's data read into a rented array goes back to the pool when its invocation is over.</remarks>
    private async ValueTask<FunctionResult> InvokeItemAsync(EventItem item, FunctionInvocation shared, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        try
        {
            return await _function.InvokeEventAsync(
                item.Envelope,
                item.Envelope.TraceParent is { } own ? CreateInvocation(next, feature, shared.Trigger, own) : shared,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            item.ReturnRented();
        }
    }

    /// <summary>A record's own trace (an SQS message's <c>AWSTraceHeader</c>) wins over the invocation's X-Ray header.</summary>
    private static FunctionInvocation CreateInvocation(RuntimeInvocation next, LambdaInvocationFeature feature, FunctionTrigger? trigger, string? ownTraceParent,
        Func<FunctionHttpResponse, FunctionContext, CancellationToken, Task>? streamer = null) =>
        new FunctionInvocation
        {
            InvocationId = next.RequestId,
            Provider = FunctionProvider.AwsLambda,
            Trigger = trigger,
            Deadline = next.Deadline,
            PlatformCancellationToken = feature.DeadlineToken,
            PlatformEnforcesDeadline = feature.DeadlineToken.CanBeCanceled,
            TraceParent = ownTraceParent is null ? XRayTraceHeader.ToTraceParent(next.TraceId) : null,
            ResponseStreamer = streamer,
        }.WithFeature(feature).WithFeature(feature.Environment);

    /// <summary>One invocation's streamed answer: the prelude, the body as the function writes it, a clean end.</summary>
    private sealed class StreamedAnswer(RuntimeApiClient client, string requestId)
    {
        private LambdaStreamingResponse? _response;

        public async Task StreamAsync(FunctionHttpResponse response, FunctionContext context, CancellationToken cancellationToken)
        {
            _response = client.OpenStreamingResponse(requestId, HttpEventMapper.WriteStreamingPrelude(response));
            await response.BodyWriter!(_response, cancellationToken).ConfigureAwait(false);
            await _response.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Ends the answer: a stream that failed after its first write ends with the error trailers (its status line is
        /// gone); one that never started — a buffered response, or a failure before the first write, now the problem
        /// response — is sent whole, as a stream of one chunk.
        /// </summary>
        public async Task FinishAsync(FunctionResult result, LambdaOutcome error)
        {
            using (_response)
            {
                if (_response is { Started: true } started)
                {
                    if (!result.Succeeded && !started.Ended)
                    {
                        await started.FailAsync(error.ErrorType!, error.ErrorBody, CancellationToken.None).ConfigureAwait(false);
                    }

                    return;
                }
            }

            using var whole = client.OpenStreamingResponse(requestId, HttpEventMapper.WriteStreamingPrelude(result.Response));
            if (!result.Response.Body.IsEmpty)
            {
                await whole.WriteAsync(result.Response.Body, CancellationToken.None).ConfigureAwait(false);
            }

            await whole.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
