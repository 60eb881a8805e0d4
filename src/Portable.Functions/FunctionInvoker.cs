using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>
/// Invokes one registered function: creates the invocation's context, scope, deadline token, activity and logger
/// scope, runs the middleware pipeline — whose last step binds the input and calls the function — and turns every
/// outcome into one <see cref="FunctionResult"/>. Adapters call it and translate only their platform's wire shapes;
/// the answers a host decides itself (a size limit, an invalid CloudEvent) go through <see cref="Reject"/> and
/// <see cref="Fail"/>, so that they too have an invocation id, a log entry and a span.
/// </summary>
public abstract class FunctionInvoker
{
    /// <summary>The longest delay a timer accepts.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly InvokerServices _shared;
    private readonly FunctionInvocationDelegate _pipeline;
    private readonly FunctionTrigger _defaultTrigger;

    private protected FunctionInvoker(FunctionRegistration registration, InvokerServices shared)
    {
        Name = registration.Name;
        Kind = registration.Kind;
        FunctionType = registration.FunctionType;
        InputType = registration.InputType;
        OutputType = registration.OutputType;
        _shared = shared;
        _defaultTrigger = Kind == FunctionKind.Event ? FunctionTrigger.PubSub : FunctionTrigger.Http;
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

    internal TimeProvider Time => _shared.TimeProvider;

    /// <summary>
    /// Invokes the function with an HTTP request. Typed functions take a JSON <c>POST</c> and answer JSON; HTTP
    /// functions take any request; event functions take a <c>POST</c> whose body becomes the event's data (type
    /// <see cref="FunctionEvent.HttpRequestType"/>). The input is bound after the middleware has run, so a middleware
    /// can answer (401, say) before a binding error (400, 405, 415) reveals what the function expects.
    /// </summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="invocation">What the adapter knows about the invocation, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Fires when the caller goes away.</param>
    /// <returns>The result, never an exception: its <see cref="FunctionResult.Response"/> is what to send.</returns>
    public ValueTask<FunctionResult> InvokeHttpAsync(FunctionHttpRequest request, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(request, request, invocation, cancellationToken);
    }

    /// <summary>
    /// Invokes an event function with one event. The data is bound after the middleware has run; data that does not
    /// bind ends the invocation as <see cref="FunctionStatus.Rejected"/>.
    /// </summary>
    /// <param name="envelope">The event with its undecoded (or portable) data.</param>
    /// <param name="invocation">What the adapter knows about the invocation, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Fires when the caller goes away.</param>
    /// <returns>The result, never an exception.</returns>
    /// <exception cref="InvalidOperationException">The function is not an event function (see <see cref="Kind"/>).</exception>
    public ValueTask<FunctionResult> InvokeEventAsync(FunctionEventEnvelope envelope, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (Kind != FunctionKind.Event)
        {
            throw new InvalidOperationException($"Function '{Name}' is a {Kind.ToString().ToLowerInvariant()} function; invoke it with InvokeHttpAsync.");
        }

        return RunAsync(envelope, invocation?.HttpRequest, invocation, cancellationToken);
    }

    /// <summary>
    /// Answers an invocation the host refuses before the function could run — a body over the size limit, an invalid
    /// CloudEvent, a platform event the function cannot take — with a client-error problem, an invocation id, one log
    /// entry and a span, exactly as the core answers its own rejections. Middleware does not run.
    /// </summary>
    /// <param name="problem">The problem (4xx), usually from <see cref="FunctionProblems"/>.</param>
    /// <param name="invocation">What the adapter knows about the invocation, or <see langword="null"/>.</param>
    /// <returns>The result, <see cref="FunctionStatus.Rejected"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The problem's status is not a client error.</exception>
    public FunctionResult Reject(FunctionProblem problem, FunctionInvocation? invocation = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return HostAnswer.Reject(Logger, Name, invocation?.Trigger ?? _defaultTrigger, problem, invocation);
    }

    /// <summary>
    /// Answers an invocation the host itself failed to serve — a defect outside the function — with a 500 problem
    /// that carries an invocation id and no internals (unless <see cref="FunctionsOptions.IncludeExceptionDetails"/>),
    /// one error log entry with the exception, and a span.
    /// </summary>
    /// <param name="exception">What failed.</param>
    /// <param name="invocation">What the adapter knows about the invocation, or <see langword="null"/>.</param>
    /// <returns>The result, <see cref="FunctionStatus.Failed"/>.</returns>
    public FunctionResult Fail(Exception exception, FunctionInvocation? invocation = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return HostAnswer.Fail(Logger, Name, invocation?.Trigger ?? _defaultTrigger, exception, Options.IncludeExceptionDetails, invocation);
    }

    /// <summary>Binds the invocation's raw input (an HTTP request or an event envelope) to what the function takes.</summary>
    /// <exception cref="FunctionProblemException">The input cannot be bound (400, 405, 415).</exception>
    internal abstract object BindInput(DefaultFunctionContext context);

    /// <summary>Runs the function itself with its bound input and keeps its output in the context.</summary>
    internal abstract Task ExecuteAsync(DefaultFunctionContext context, object input);

    /// <summary>The HTTP response of a successful invocation, or <see langword="null"/> for a handled event that came without HTTP.</summary>
    internal abstract FunctionHttpResponse? CreateResponse(DefaultFunctionContext context);

    /// <summary>The end of the pipeline: bind, then run the function.</summary>
    private Task ExecuteFunctionAsync(FunctionContext context)
    {
        var defaultContext = (DefaultFunctionContext)context;
        var input = defaultContext.BindInput();
        defaultContext.FunctionRan = true;
        return ExecuteAsync(defaultContext, input);
    }

    /// <summary>Generates an invocation id, for an invocation whose platform gave none.</summary>
    internal static string NewInvocationId() => Guid.NewGuid().ToString();

    private async ValueTask<FunctionResult> RunAsync(object rawInput, FunctionHttpRequest? httpRequest, FunctionInvocation? invocation, CancellationToken abortToken)
    {
        var options = _shared.Options;
        var time = _shared.TimeProvider;
        var deadline = invocation?.Deadline;
        if (deadline is null && options.DefaultTimeout is { } timeout)
        {
            deadline = time.GetUtcNow() + timeout;
        }

        var platformToken = invocation?.PlatformCancellationToken ?? default;
        var platformDeadline = invocation?.PlatformEnforcesDeadline == true && platformToken.CanBeCanceled;
        CancellationTokenSource? source = null;
        var token = abortToken;
        if (!platformDeadline // the host fires the platform token at the deadline itself: no timer here
            && deadline is { } due && due - options.DeadlineGracePeriod - time.GetUtcNow() is var delay && delay <= MaxTimerDelay)
        {
            // A deadline beyond what a timer can hold (about 49 days) never fires; the context still reports it.
            source = new CancellationTokenSource(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time);
        }
        else if (platformToken.CanBeCanceled)
        {
            if (abortToken.CanBeCanceled)
            {
                source = new CancellationTokenSource();
            }
            else
            {
                token = platformToken; // the only token: nothing to link (the Lambda runtime's deadline)
            }
        }

        CancellationTokenRegistration abortRegistration = default;
        CancellationTokenRegistration platformRegistration = default;
        if (source is not null)
        {
            if (abortToken.CanBeCanceled)
            {
                abortRegistration = abortToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
            }

            if (platformToken.CanBeCanceled)
            {
                platformRegistration = platformToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
            }

            token = source.Token;
        }

        var isColdStart = FunctionTelemetry.TakeColdStart();
        var ownsScope = invocation?.Services is null;
        var scope = ownsScope ? _shared.ScopeFactory.CreateAsyncScope() : default;
        var services = ownsScope ? scope.ServiceProvider : invocation!.Services!;
        var givenId = invocation?.InvocationId is { Length: > 0 } id ? id : null;
        var context = new DefaultFunctionContext(this, givenId, invocation, deadline, services, isColdStart, httpRequest, rawInput, token);
        var activity = StartActivity(context, invocation, rawInput as FunctionEventEnvelope);
        var loggerScope = Logger.BeginScope(context); // the context is its own scope state: InvocationId and FunctionName
        try
        {
            await _pipeline(context).ConfigureAwait(false);
            var response = CreateResponse(context);
            if (response is not null)
            {
                context.HttpIfCreated?.CopyTo(response);
            }

            if (response?.BodyWriter is not null)
            {
                // Streamed within the invocation: its token, scope and trace, and a failure classified as any other.
                if (invocation?.ResponseStreamer is { } streamer)
                {
                    await streamer(response, context, token).ConfigureAwait(false);
                }
                else
                {
                    await response.BufferAsync(token).ConfigureAwait(false);
                }
            }

            return new FunctionResult(FunctionStatus.Succeeded, context, null, null, null, response);
        }
        catch (Exception exception)
        {
            var result = Classify(exception, context, abortToken, platformDeadline ? default : platformToken);
            FunctionTelemetry.RecordFailure(activity, result);
            return result;
        }
        finally
        {
            loggerScope?.Dispose();
            if (ownsScope)
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }

            await abortRegistration.DisposeAsync().ConfigureAwait(false);
            await platformRegistration.DisposeAsync().ConfigureAwait(false);
            source?.Dispose();
            activity?.Dispose();
        }
    }

    private Activity? StartActivity(DefaultFunctionContext context, FunctionInvocation? invocation, FunctionEventEnvelope? envelope)
    {
        string? traceParent = invocation?.TraceParent, traceState = invocation?.TraceState;
        if (traceParent is not { Length: > 0 } && envelope?.TraceParent is { } eventTraceParent)
        {
            // The event's distributed-tracing extension parents it when the platform gave no trace of its own.
            traceParent = eventTraceParent;
            traceState = envelope.Extensions.TryGetValue("tracestate", out var state) ? state : null;
        }

        var trigger = invocation?.Trigger ?? _defaultTrigger;
        var activity = FunctionTelemetry.Start(Name, trigger, traceParent, traceState, out var parent);
        if (activity is null)
        {
            context.SetTrace(null, parent != default ? parent : Activity.Current?.Context ?? default);
            return null;
        }

        context.SetTrace(activity, activity.Context);
        if (activity.IsAllDataRequested)
        {
            FunctionTelemetry.Tag(activity, Name, trigger, context.InvocationId, invocation?.Provider ?? FunctionProvider.Local);
            activity.SetTag("faas.coldstart", context.IsColdStart);
        }

        return activity;
    }

    private FunctionResult Classify(Exception exception, DefaultFunctionContext context, CancellationToken abortToken, CancellationToken platformToken)
    {
        var invocationId = context.InvocationId;
        FunctionStatus status;
        FunctionProblem problem;
        switch (exception)
        {
            case FunctionProblemException problemException:
                // A copy: functions may throw one shared problem instance, and each answer names its own invocation.
                problem = problemException.Problem.Copy();
                problem.Extensions.TryAdd("invocationId", invocationId);
                if (problem.Status >= 500)
                {
                    status = FunctionStatus.Failed;
                    Log.FunctionServerProblem(Logger, exception, Name, problem.Status, problem.Title, invocationId);
                }
                else
                {
                    status = FunctionStatus.Rejected;
                    Log.FunctionProblem(Logger, Name, problem.Status, problem.Title, problem.Detail, invocationId);
                }

                break;

            case OperationCanceledException when abortToken.IsCancellationRequested:
                status = FunctionStatus.Aborted;
                problem = FunctionProblems.Aborted();
                problem.Extensions["invocationId"] = invocationId;
                Log.FunctionAborted(Logger, Name, invocationId);
                break;

            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                status = FunctionStatus.TimedOut;
                problem = FunctionProblems.TimedOut(byPlatform: platformToken.IsCancellationRequested);
                problem.Extensions["invocationId"] = invocationId;
                Log.FunctionTimedOut(Logger, Name, context.Deadline, invocationId);
                break;

            default:
                status = FunctionStatus.Failed;
                problem = FunctionProblems.InternalError(exception, _shared.Options.IncludeExceptionDetails);
                problem.Extensions["invocationId"] = invocationId;
                Log.FunctionFailed(Logger, exception, Name, invocationId);
                break;
        }

        if (context.RawInput is FunctionEventEnvelope envelope)
        {
            problem.Extensions.TryAdd("eventId", envelope.Id); // which event failed, among a batch's
        }

        FunctionHttpResponse? response = null;
        if (context.HttpRequest is not null)
        {
            response = FunctionHttpResponse.Problem(problem);
            context.HttpIfCreated?.CopyTo(response);
        }

        return new FunctionResult(status, context, null, problem, exception, response);
    }
}
