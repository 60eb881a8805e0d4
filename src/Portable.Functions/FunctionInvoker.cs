using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>
/// Invokes one registered function: binds its input, creates the invocation's context, scope, deadline token,
/// activity and logger scope, runs the middleware pipeline and the function, and turns every outcome into the one
/// error model. Adapters call it and translate only their platform's wire shapes.
/// </summary>
public abstract class FunctionInvoker
{
    /// <summary>The longest delay a timer accepts.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly InvokerServices _shared;
    private readonly FunctionInvocationDelegate _pipeline;

    private protected FunctionInvoker(FunctionRegistration registration, InvokerServices shared)
    {
        Name = registration.Name;
        Kind = registration.Kind;
        FunctionType = registration.FunctionType;
        InputType = registration.InputType;
        OutputType = registration.OutputType;
        _shared = shared;
        Logger = shared.LoggerFactory.CreateLogger("Portable.Functions.Function." + Name);

        FunctionInvocationDelegate pipeline = ExecuteFunctionAsync;
        for (var i = shared.Middleware.Length - 1; i >= 0; i--)
        {
            pipeline = shared.Middleware[i](pipeline);
        }

        _pipeline = pipeline;
    }

    /// <summary>Gets the function's registered name.</summary>
    public string Name { get; }

    /// <summary>Gets the function's shape.</summary>
    public FunctionKind Kind { get; }

    /// <summary>Gets the type that implements the function.</summary>
    public Type FunctionType { get; }

    /// <summary>Gets the request type, the event data type, or <see cref="FunctionHttpRequest"/>.</summary>
    public Type InputType { get; }

    /// <summary>Gets the response type, <see cref="FunctionHttpResponse"/>, or <see langword="null"/> for event functions.</summary>
    public Type? OutputType { get; }

    /// <summary>Gets the logger of this function.</summary>
    internal ILogger Logger { get; }

    internal FunctionsOptions Options => _shared.Options;

    internal JsonTypeResolver Json => _shared.Json;

    /// <summary>
    /// Invokes a typed or HTTP function with an HTTP request. Every failure is returned as a problem response:
    /// a body that does not bind gives 400, a problem exception its own status, a deadline 504, anything else 500.
    /// </summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="invocation">What the adapter knows about the invocation, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Fires when the caller goes away.</param>
    /// <returns>The response to send.</returns>
    /// <exception cref="InvalidOperationException">The function is an event function (see <see cref="Kind"/>).</exception>
    public virtual Task<FunctionHttpResponse> InvokeHttpAsync(FunctionHttpRequest request, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"Function '{Name}' is an event function; invoke it with InvokeEventAsync.");

    /// <summary>
    /// Invokes an event function with one event. Failures are returned, not thrown: the result says whether the
    /// event was rejected (it does not bind), failed, timed out or was aborted.
    /// </summary>
    /// <param name="envelope">The event with its undecoded data.</param>
    /// <param name="invocation">What the adapter knows about the invocation, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Fires when the caller goes away.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="InvalidOperationException">The function is not an event function (see <see cref="Kind"/>).</exception>
    public virtual Task<FunctionEventResult> InvokeEventAsync(FunctionEventEnvelope envelope, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"Function '{Name}' is not an event function; invoke it with InvokeHttpAsync.");

    /// <summary>Runs the function itself: the end of the pipeline.</summary>
    private protected abstract Task ExecuteFunctionAsync(DefaultFunctionContext context);

    private Task ExecuteFunctionAsync(FunctionContext context)
    {
        var defaultContext = (DefaultFunctionContext)context;
        defaultContext.FunctionRan = true;
        return ExecuteFunctionAsync(defaultContext);
    }

    /// <summary>The platform's invocation id, or <see langword="null"/>: an id is then generated only when something reads it.</summary>
    private protected static string? GivenInvocationId(FunctionInvocation? invocation) =>
        invocation?.InvocationId is { Length: > 0 } id ? id : null;

    /// <summary>Generates an invocation id, for an invocation whose platform gave none.</summary>
    internal static string NewInvocationId() => Guid.NewGuid().ToString();

    /// <summary>Runs the pipeline for a bound input and classifies how it ended.</summary>
    private protected async ValueTask<InvocationOutcome> RunAsync(
        string? invocationId,
        object? input,
        FunctionHttpContext? http,
        FunctionInvocation? invocation,
        FunctionTrigger defaultTrigger,
        string? fallbackTraceParent,
        string? fallbackTraceState,
        CancellationToken abortToken)
    {
        var options = _shared.Options;
        var time = _shared.TimeProvider;
        var deadline = invocation?.Deadline;
        if (deadline is null && options.DefaultTimeout is { } timeout)
        {
            deadline = time.GetUtcNow() + timeout;
        }

        CancellationTokenSource? deadlineSource = null;
        CancellationTokenRegistration abortRegistration = default;
        var token = abortToken;
        if (deadline is { } due && due - options.DeadlineGracePeriod - time.GetUtcNow() is var delay && delay <= MaxTimerDelay)
        {
            // A deadline beyond what a timer can hold (about 49 days) never fires; the context still reports it.
            deadlineSource = new CancellationTokenSource(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time);
            if (abortToken.CanBeCanceled)
            {
                abortRegistration = abortToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadlineSource);
            }

            token = deadlineSource.Token;
        }

        var isColdStart = FunctionTelemetry.TakeColdStart();
        var scope = _shared.ScopeFactory.CreateAsyncScope();
        var context = new DefaultFunctionContext(this, invocationId, invocation, deadline, scope.ServiceProvider, Logger, isColdStart, http, input, token);
        var activity = StartActivity(context, invocation, defaultTrigger, fallbackTraceParent, fallbackTraceState);
        var loggerScope = Logger.BeginScope(context); // the context is its own scope state: InvocationId and FunctionName
        try
        {
            await _pipeline(context).ConfigureAwait(false);
            return new InvocationOutcome(context, null);
        }
        catch (Exception exception)
        {
            var outcome = new InvocationOutcome(context, Classify(exception, context, abortToken));
            RecordFailure(activity, outcome.Failure!);
            return outcome;
        }
        finally
        {
            loggerScope?.Dispose();
            await scope.DisposeAsync().ConfigureAwait(false);
            await abortRegistration.DisposeAsync().ConfigureAwait(false);
            deadlineSource?.Dispose();
            activity?.Dispose();
        }
    }

    private Activity? StartActivity(
        DefaultFunctionContext context,
        FunctionInvocation? invocation,
        FunctionTrigger defaultTrigger,
        string? fallbackTraceParent,
        string? fallbackTraceState)
    {
        ActivityContext parent = default;
        if (invocation?.TraceParent is { Length: > 0 } traceParent)
        {
            ActivityContext.TryParse(traceParent, invocation.TraceState, isRemote: true, out parent);
        }
        else if (fallbackTraceParent is { Length: > 0 })
        {
            ActivityContext.TryParse(fallbackTraceParent, fallbackTraceState, isRemote: true, out parent);
        }

        var trigger = invocation?.Trigger ?? defaultTrigger;
        var kind = trigger == FunctionTrigger.Http ? ActivityKind.Server : ActivityKind.Consumer;
        var activity = parent == default
            ? FunctionTelemetry.Source.StartActivity(Name, kind)
            : FunctionTelemetry.Source.StartActivity(Name, kind, parent);

        if (activity is null)
        {
            context.SetTrace(null, parent != default ? parent : Activity.Current?.Context ?? default);
            return null;
        }

        context.SetTrace(activity, activity.Context);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("faas.name", Name);
            activity.SetTag("faas.trigger", FunctionTelemetry.TriggerName(trigger));
            activity.SetTag("faas.invocation_id", context.InvocationId);
            activity.SetTag("faas.coldstart", context.IsColdStart);
            if (FunctionTelemetry.ProviderName(invocation?.Provider ?? FunctionProvider.Local) is { } provider)
            {
                activity.SetTag("cloud.provider", provider);
            }
        }

        return activity;
    }

    private static void RecordFailure(Activity? activity, InvocationFailure failure)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, failure.Problem.Title);
        activity.SetTag("error.type", failure.Exception?.GetType().FullName ?? failure.Problem.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (failure.Exception is not null && failure.Status is FunctionEventStatus.Failed)
        {
            activity.AddException(failure.Exception);
        }
    }

    private InvocationFailure Classify(Exception exception, DefaultFunctionContext context, CancellationToken abortToken)
    {
        var invocationId = context.InvocationId;
        switch (exception)
        {
            case FunctionProblemException problemException:
            {
                // A copy: functions may throw one shared problem instance, and each answer names its own invocation.
                var problem = problemException.Problem.Copy();
                problem.Extensions.TryAdd("invocationId", invocationId);
                if (problem.Status >= 500)
                {
                    Log.FunctionServerProblem(Logger, exception, Name, problem.Status, problem.Title, invocationId);
                }
                else
                {
                    Log.FunctionProblem(Logger, Name, problem.Status, problem.Title, invocationId);
                }

                return new InvocationFailure(problem.Status >= 500 ? FunctionEventStatus.Failed : FunctionEventStatus.Rejected, problem, exception);
            }

            case OperationCanceledException when abortToken.IsCancellationRequested:
                Log.FunctionAborted(Logger, Name, invocationId);
                return new InvocationFailure(FunctionEventStatus.Aborted,
                    WithId(new FunctionProblem(499, "Client Closed Request") { Detail = "The caller went away before the function finished." }, invocationId),
                    exception);

            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                Log.FunctionTimedOut(Logger, Name, context.Deadline, invocationId);
                return new InvocationFailure(FunctionEventStatus.TimedOut,
                    WithId(new FunctionProblem(504, "Gateway Timeout") { Detail = "The function did not finish before its deadline." }, invocationId),
                    exception);

            default:
                Log.FunctionFailed(Logger, exception, Name, invocationId);
                return new InvocationFailure(FunctionEventStatus.Failed, InternalError(invocationId, exception), exception);
        }
    }

    private protected FunctionProblem InternalError(string invocationId, Exception exception)
    {
        var problem = new FunctionProblem(500, "An unexpected error occurred.")
        {
            Detail = _shared.Options.IncludeExceptionDetails
                ? exception.ToString()
                : "The function failed. Quote the invocation id when you report it.",
        };
        return WithId(problem, invocationId);
    }

    private protected static FunctionProblem WithId(FunctionProblem problem, string invocationId)
    {
        problem.Extensions["invocationId"] = invocationId;
        return problem;
    }

    /// <summary>Builds the 400 problem for a body or data that is not valid JSON or does not bind.</summary>
    private protected FunctionProblem BindingProblem(string invocationId, string what, JsonException exception)
    {
        var detail = $"The {what} is not valid JSON, or does not match the shape function '{Name}' expects";
        if (exception.Path is { Length: > 0 } path)
        {
            detail += $", at '{path}'";
        }

        if (exception.LineNumber is { } line)
        {
            detail += $" (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1})";
        }

        var problem = WithId(new FunctionProblem(400, "Invalid " + what) { Detail = detail + "." }, invocationId);
        if (exception.Path is { Length: > 0 })
        {
            problem.Extensions["path"] = exception.Path;
        }

        if (exception.LineNumber is { } lineNumber)
        {
            problem.Extensions["line"] = lineNumber + 1;
            problem.Extensions["position"] = (exception.BytePositionInLine ?? 0) + 1;
        }

        Log.InputRejected(Logger, Name, problem.Detail, invocationId);
        return problem;
    }

    private protected FunctionProblem RejectInput(string invocationId, int status, string title, string detail)
    {
        var problem = WithId(new FunctionProblem(status, title) { Detail = detail }, invocationId);
        Log.InputRejected(Logger, Name, detail, invocationId);
        return problem;
    }

    /// <summary>How a pipeline run ended: the context (with the output) and the failure, if any.</summary>
    private protected readonly record struct InvocationOutcome(DefaultFunctionContext Context, InvocationFailure? Failure);

    /// <summary>A classified failure: what it means for an event, and the problem a caller sees.</summary>
    private protected sealed record InvocationFailure(FunctionEventStatus Status, FunctionProblem Problem, Exception? Exception);
}
