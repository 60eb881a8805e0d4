using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Runs the selected function for one Lambda payload: finds the payload's source (declared or detected), translates
/// it into the core's request or events, invokes the function through its <see cref="FunctionInvoker"/>, and
/// translates the outcome into the response (or the error) that source expects.
/// </summary>
internal sealed partial class LambdaFunctionDispatcher
{
    private static readonly Dictionary<string, StringValues> DirectHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Content-Type"] = MediaTypes.Json,
    };

    private readonly FunctionInvoker _function;
    private readonly LambdaEventSource _declaredSource;
    private readonly int _batchConcurrency;
    private readonly bool _includeDetails;
    private readonly ILogger _logger;
    private readonly string _directPath;

    public LambdaFunctionDispatcher(FunctionInvoker function, LambdaFunctionsOptions options, FunctionsOptions functionsOptions, ILogger logger)
    {
        _function = function;
        _declaredSource = options.GetEventSource(function.Name);
        _batchConcurrency = Math.Max(1, options.BatchConcurrency);
        _includeDetails = functionsOptions.IncludeExceptionDetails;
        _logger = logger;
        _directPath = "/" + function.Name;
    }

    public FunctionInvoker Function => _function;

    public async Task<LambdaOutcome> DispatchAsync(RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        var payload = next.Event;
        var source = _declaredSource;
        if (source == LambdaEventSource.Auto)
        {
            DetectedPayload detected;
            string? description;
            try
            {
                detected = EventSourceDetector.Detect(payload, out source, out description);
            }
            catch (JsonException exception)
            {
                if (_function.Kind != FunctionKind.Event)
                {
                    // The typed invoker reports where the JSON breaks (line and position) as a 400.
                    detected = DetectedPayload.Unrecognized;
                    source = LambdaEventSource.Direct;
                    description = null;
                }
                else
                {
                    LogInvalidEvent(_logger, _function.Name, exception.Message, next.RequestId!);
                    return LambdaOutcome.Error("Function.InvalidEvent", "The event is not valid JSON: " + exception.Message);
                }
            }

            if (detected == DetectedPayload.Unsupported)
            {
                LogUnsupportedEvent(_logger, _function.Name, description!, next.RequestId!);
                return LambdaOutcome.Error("Function.UnsupportedEventSource",
                    $"Function '{_function.Name}' received {description}, which Portable.Functions does not map. Supported: API Gateway REST and HTTP APIs, Function URLs, ALB, SQS, SNS, S3, EventBridge, Kinesis and DynamoDB Streams.");
            }

            if (detected == DetectedPayload.Unrecognized && _function.Kind == FunctionKind.Event)
            {
                LogUnsupportedEvent(_logger, _function.Name, "an unrecognized payload", next.RequestId!);
                return LambdaOutcome.Error("Function.UnrecognizedEvent",
                    $"Function '{_function.Name}' received a payload that is not an AWS event it recognizes. To invoke the event function directly with its data, declare its event source as Direct (LambdaFunctionsOptions.UseEventSource).");
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
            LogInvalidEvent(_logger, _function.Name, exception.Message, next.RequestId!);
            return LambdaOutcome.Error("Function.InvalidEvent", $"The payload is not a valid {source} event: {exception.Message}");
        }
    }

    private async Task<LambdaOutcome> DispatchHttpAsync(LambdaEventSource source, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        var read = source switch
        {
            LambdaEventSource.ApiGatewayRest => HttpEventMapper.ReadRest(next.Event),
            LambdaEventSource.HttpApi => HttpEventMapper.ReadHttpApi(next.Event),
            _ => HttpEventMapper.ReadAlb(next.Event),
        };

        FunctionHttpResponse response;
        if (read.Problem is { } problem)
        {
            problem.Extensions["invocationId"] = next.RequestId;
            LogInvalidEvent(_logger, _function.Name, problem.Detail!, next.RequestId!);
            response = FunctionHttpResponse.Problem(problem);
        }
        else if (_function.Kind == FunctionKind.Event)
        {
            var request = read.Request!;
            var envelope = new FunctionEventEnvelope
            {
                Id = next.RequestId!,
                Source = request.Path,
                Type = EventMapper.HttpType,
                DataContentType = request.ContentType ?? MediaTypes.Json,
                Data = request.Body,
            };
            var result = await _function.InvokeEventAsync(envelope, CreateInvocation(next, feature, FunctionTrigger.Http, null), cancellationToken).ConfigureAwait(false);
            response = result.ToHttpResponse();
        }
        else
        {
            response = await _function.InvokeHttpAsync(read.Request!, CreateInvocation(next, feature, FunctionTrigger.Http, null), cancellationToken).ConfigureAwait(false);
        }

        return LambdaOutcome.Success(source switch
        {
            LambdaEventSource.ApiGatewayRest => HttpEventMapper.WriteRest(response),
            LambdaEventSource.HttpApi => HttpEventMapper.WriteHttpApi(response),
            _ => HttpEventMapper.WriteAlb(response, read.MultiValue),
        });
    }

    private async Task<LambdaOutcome> DispatchDirectAsync(RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
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
            var result = await _function.InvokeEventAsync(envelope, CreateInvocation(next, feature, FunctionTrigger.Other, null), cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? LambdaOutcome.Success(ReadOnlyMemory<byte>.Empty) : EventError(result);
        }

        var request = new FunctionHttpRequest
        {
            Method = "POST",
            Path = _directPath,
            Headers = DirectHeaders,
            Body = next.Event,
        };
        var invocation = CreateInvocation(next, feature, FunctionTrigger.Other, null);
        var response = await _function.InvokeHttpAsync(request, invocation, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode < 400)
        {
            return LambdaOutcome.Success(response.Body);
        }

        var message = ProblemMessage(response);
        return response.StatusCode >= 500 && response.StatusCode != 504 && response.Exception is { } exception and not FunctionProblemException and not OperationCanceledException
            ? LambdaOutcome.FromException(exception, message, _includeDetails)
            : LambdaOutcome.Error(HttpStatusText.ErrorType(response.StatusCode), message);
    }

    private async Task<LambdaOutcome> DispatchEventsAsync(LambdaEventSource source, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
    {
        if (_function.Kind != FunctionKind.Event)
        {
            LogUnsupportedEvent(_logger, _function.Name, source + " event", next.RequestId!);
            return LambdaOutcome.Error("Function.UnsupportedEventSource",
                $"Function '{_function.Name}' is a {_function.Kind.ToString().ToLowerInvariant()} function; {source} events need an event function (IEventFunction<TData>).");
        }

        var batch = EventMapper.Read(source, next.Event);
        var items = batch.Items;
        switch (batch.Mode)
        {
            case BatchMode.WholeEvent:
                foreach (var item in items)
                {
                    var result = await InvokeItemAsync(item, next, feature, batch.Trigger, cancellationToken).ConfigureAwait(false);
                    if (!result.Succeeded)
                    {
                        return EventError(result);
                    }
                }

                return LambdaOutcome.Success(ReadOnlyMemory<byte>.Empty);

            case BatchMode.EachRecord when _batchConcurrency > 1 && items.Length > 1:
                return await DispatchConcurrentlyAsync(batch, next, feature, cancellationToken).ConfigureAwait(false);

            default:
                var response = new BatchResponse();
                for (var i = 0; i < items.Length; i++)
                {
                    var result = await InvokeItemAsync(items[i], next, feature, batch.Trigger, cancellationToken).ConfigureAwait(false);
                    if (result.Succeeded)
                    {
                        continue;
                    }

                    response.BatchItemFailures.Add(new BatchItemFailure { ItemIdentifier = items[i].ItemIdentifier });
                    if (batch.Mode == BatchMode.OrderedCheckpoint)
                    {
                        break;
                    }

                    if (batch.Mode == BatchMode.OrderedRest)
                    {
                        for (var rest = i + 1; rest < items.Length; rest++)
                        {
                            response.BatchItemFailures.Add(new BatchItemFailure { ItemIdentifier = items[rest].ItemIdentifier });
                        }

                        break;
                    }
                }

                return LambdaOutcome.Success(JsonSerializer.SerializeToUtf8Bytes(response, LambdaJsonWriter.BatchResponse));
        }
    }

    private async Task<LambdaOutcome> DispatchConcurrentlyAsync(EventBatch batch, RuntimeInvocation next, LambdaInvocationFeature feature, CancellationToken cancellationToken)
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
        var response = new BatchResponse();
        for (var i = 0; i < items.Length; i++)
        {
            if (failed[i])
            {
                response.BatchItemFailures.Add(new BatchItemFailure { ItemIdentifier = items[i].ItemIdentifier });
            }
        }

        return LambdaOutcome.Success(JsonSerializer.SerializeToUtf8Bytes(response, LambdaJsonWriter.BatchResponse));

        async Task RunOneAsync(int index)
        {
            try
            {
                await Task.Yield();
                var result = await InvokeItemAsync(items[index], next, feature, batch.Trigger, cancellationToken).ConfigureAwait(false);
                failed[index] = !result.Succeeded;
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private Task<FunctionEventResult> InvokeItemAsync(EventItem item, RuntimeInvocation next, LambdaInvocationFeature feature, FunctionTrigger trigger, CancellationToken cancellationToken)
    {
        // A record's own trace (an SQS message's AWSTraceHeader) wins over the invocation's.
        var ownTrace = item.Envelope.TraceParent;
        return _function.InvokeEventAsync(item.Envelope, CreateInvocation(next, feature, trigger, ownTrace), cancellationToken);
    }

    private static FunctionInvocation CreateInvocation(RuntimeInvocation next, LambdaInvocationFeature feature, FunctionTrigger trigger, string? ownTraceParent) =>
        new FunctionInvocation
        {
            InvocationId = next.RequestId,
            Provider = FunctionProvider.AwsLambda,
            Trigger = trigger,
            Deadline = next.Deadline,
            TraceParent = ownTraceParent is null ? XRayTraceHeader.ToTraceParent(next.TraceId) : null,
        }.WithFeature(feature).WithFeature(feature.Environment);

    private LambdaOutcome EventError(FunctionEventResult result)
    {
        var problem = result.Problem!;
        var message = problem.Detail ?? problem.Title;
        if (result.Status == FunctionEventStatus.Failed && result.Exception is { } exception && exception is not FunctionProblemException)
        {
            return LambdaOutcome.FromException(exception, message, _includeDetails);
        }

        return LambdaOutcome.Error(HttpStatusText.ErrorType(problem.Status), message);
    }

    /// <summary>The <c>detail</c> (else the <c>title</c>) of a problem response.</summary>
    private static string ProblemMessage(FunctionHttpResponse response)
    {
        try
        {
            var reader = new Utf8JsonReader(response.Body.Span);
            string? title = null;
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isDetail = reader.ValueTextEquals("detail"u8);
                    var isTitle = reader.ValueTextEquals("title"u8);
                    reader.Read();
                    if (isDetail && reader.TokenType == JsonTokenType.String)
                    {
                        return reader.GetString()!;
                    }

                    if (isTitle && reader.TokenType == JsonTokenType.String)
                    {
                        title = reader.GetString();
                    }

                    reader.Skip();
                }
            }

            return title ?? HttpStatusText.ReasonPhrase(response.StatusCode);
        }
        catch (JsonException)
        {
            return HttpStatusText.ReasonPhrase(response.StatusCode);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Function {FunctionName} received an invalid event: {Reason} (request {RequestId}).")]
    private static partial void LogInvalidEvent(ILogger logger, string functionName, string reason, string requestId);

    [LoggerMessage(2, LogLevel.Warning, "Function {FunctionName} received {Description}, which it cannot handle (request {RequestId}).")]
    private static partial void LogUnsupportedEvent(ILogger logger, string functionName, string description, string requestId);
}
