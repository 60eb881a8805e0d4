using Microsoft.Extensions.Logging;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The Runtime API loop: <c>GET /next</c>, run the function, <c>POST /response</c> or <c>POST /error</c>, again. A
/// response goes out with the next <c>GET /next</c> right behind it (<see cref="RuntimeApiClient.PostResponseAsync"/>)
/// unless <see cref="PipelineNextRequest"/> is off.
/// It returns when cancelled and throws <see cref="RuntimeApiException"/> when the Runtime API says the runtime must exit.
/// </summary>
internal sealed partial class LambdaRuntime
{
    /// <summary>The largest response Lambda accepts from a function (6 MB).</summary>
    public const int MaxResponseSize = 6 * 1024 * 1024;

    private readonly RuntimeApiClient _client;
    private readonly LambdaFunctionDispatcher _dispatcher;
    private readonly LambdaFunctionEnvironment _environment;
    private readonly ILogger _logger;
    private readonly bool _setTraceEnvironment;
    private readonly DeadlineAlarm? _alarm;
    private readonly TimeSpan _gracePeriod;

    // The GET /next that went out behind the last response, its answer still to read.
    private RuntimeApiTransport.PendingAnswer? _askedNext;

    /// <param name="client">The Runtime API.</param>
    /// <param name="dispatcher">Runs the function for each payload.</param>
    /// <param name="environment">The function's environment.</param>
    /// <param name="logger">The runtime's own logger.</param>
    /// <param name="setTraceEnvironment">Whether each invocation sets <c>_X_AMZN_TRACE_ID</c> (one invocation at a time only).</param>
    /// <param name="alarm">Fires the deadlines, or <see langword="null"/> to leave them to the core's timer.</param>
    /// <param name="gracePeriod">How long before the deadline the alarm fires (<see cref="FunctionsOptions.DeadlineGracePeriod"/>).</param>
    public LambdaRuntime(RuntimeApiClient client, LambdaFunctionDispatcher dispatcher, LambdaFunctionEnvironment environment, ILogger logger, bool setTraceEnvironment,
        DeadlineAlarm? alarm = null, TimeSpan gracePeriod = default)
    {
        _client = client;
        _dispatcher = dispatcher;
        _environment = environment;
        _logger = logger;
        _setTraceEnvironment = setTraceEnvironment;
        _alarm = alarm;
        _gracePeriod = gracePeriod;
    }

    /// <summary>Gets or sets whether <c>GET /next</c> goes out behind each response and error report (<see cref="AwsLambdaFunctionsOptions.PipelineNextRequest"/>).</summary>
    public bool PipelineNextRequest { get; init; } = true;

    /// <summary>How many <c>/next</c> answers in a row may be cut before the Runtime API is taken for broken.</summary>
    internal const int MaxCutAnswersInARow = 3;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Stopped after a response went out with GET /next behind it: that connection is not needed any more.
            _askedNext?.Dispose();
            _askedNext = null;
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var cutInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            RuntimeInvocation next;
            try
            {
                var asked = _askedNext;
                _askedNext = null;
                next = await _client.NextAsync(asked, cancellationToken).ConfigureAwait(false);
                cutInARow = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RuntimeApiException exception) when (exception.AnswerCut && ++cutInARow < MaxCutAnswersInARow)
            {
                // The invocation it carried is lost (the platform times it out and retries it); the API is still
                // there, so ask for the next one rather than end the environment.
                LogNextCut(_logger, exception.Message);
                continue;
            }

            if (next.RequestId is null)
            {
                // Without a request id there is nobody to answer; the platform times the invocation out.
                LogMissingRequestId(_logger, RuntimeApiClient.RequestIdHeader);
                continue;
            }

            // An invocation taken is answered, even when the runtime is told to stop meanwhile (SIGTERM); the next is
            // asked for with the response unless it was told so by then.
            await HandleAsync(next, next.RequestId, stopping: cancellationToken, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(RuntimeInvocation next, string requestId, CancellationToken stopping, CancellationToken cancellationToken)
    {
        if (_setTraceEnvironment)
        {
            // Set on every invoke, and cleared when the invoke has no trace, so the AWS SDKs never see a stale one.
            Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", next.TraceId);
        }

        // One deadline for the whole invocation (every record of a batch), fired by the alarm when there is one.
        using var deadline = _alarm is not null && next.Deadline is not null ? new CancellationTokenSource() : null;
        var pending = deadline is null ? null : _alarm!.Schedule(deadline, next.Deadline!.Value - _gracePeriod - TimeProvider.System.GetUtcNow());
        var feature = new LambdaInvocationFeature(next, requestId, _environment) { DeadlineToken = deadline?.Token ?? default };

        LambdaOutcome outcome;
        try
        {
            outcome = await _dispatcher.DispatchAsync(next, feature, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            outcome = _dispatcher.Fail(next, feature, exception);
        }
        finally
        {
            if (pending is not null)
            {
                _alarm!.Unschedule(pending);
            }
        }

        if (outcome.IsAnswered)
        {
            return;
        }

        if (!outcome.IsError)
        {
            var size = outcome.Response.Length;
            var posted = PostOutcome.TooLarge;
            try
            {
                if (size <= MaxResponseSize)
                {
                    // Should the Runtime API still refuse the response as too large, the error below goes out on a
                    // connection of its own while GET /next waits on this one.
                    (posted, _askedNext) = await _client.PostResponseAsync(requestId, outcome.Response, askNext: PipelineNextRequest && !stopping.IsCancellationRequested,
                        cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                outcome.Release();
            }

            if (posted == PostOutcome.Accepted)
            {
                return;
            }

            if (posted == PostOutcome.Refused)
            {
                LogRefused(_logger, "response", requestId);
                return;
            }

            LogResponseTooLarge(_logger, _dispatcher.Function.Name, size, MaxResponseSize, requestId);
            outcome = LambdaOutcome.Error("Function.ResponseSizeTooLarge",
                $"Response payload size ({size} bytes) exceeded maximum allowed payload size ({MaxResponseSize} bytes).");
        }

        // GET /next goes behind the report too, unless one already waits behind the refused response.
        var askNextWithError = PipelineNextRequest && _askedNext is null && !stopping.IsCancellationRequested;
        var (reported, askedNext) = await _client.PostErrorAsync(requestId, outcome.ErrorType!, outcome.ErrorBody, outcome.XRayCause, askNextWithError, cancellationToken)
            .ConfigureAwait(false);
        _askedNext ??= askedNext;
        if (reported != PostOutcome.Accepted)
        {
            LogRefused(_logger, "error", requestId);
        }
    }

    [LoggerMessage(5, LogLevel.Error, "The Runtime API's answer to GET /next was cut ({Reason}); asking for the next invocation.")]
    private static partial void LogNextCut(ILogger logger, string reason);

    [LoggerMessage(1, LogLevel.Error, "The Runtime API delivered an invocation without the {Header} header; it cannot be answered and is skipped.")]
    private static partial void LogMissingRequestId(ILogger logger, string header);

    [LoggerMessage(3, LogLevel.Error, "Function {FunctionName} returned {Size} bytes, more than the {Limit} bytes Lambda accepts; reported as an error (request {RequestId}).")]
    private static partial void LogResponseTooLarge(ILogger logger, string functionName, int size, int limit, string requestId);

    [LoggerMessage(4, LogLevel.Warning, "The Runtime API refused the {What} of request {RequestId} (unknown request id, or already answered).")]
    private static partial void LogRefused(ILogger logger, string what, string requestId);
}
