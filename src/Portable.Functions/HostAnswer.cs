using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>
/// The answers a host decides before a function runs (a route, a size limit, an invalid event) or when it fails
/// itself: each gets an invocation id, one log entry and a span, as the core's own answers do.
/// </summary>
internal static class HostAnswer
{
    /// <summary>The span name of an answer that no function gave (an unknown route).</summary>
    public const string HostSpanName = "Portable.Functions host";

    public static FunctionResult Reject(ILogger logger, string? functionName, FunctionTrigger trigger, FunctionProblem problem, FunctionInvocation? invocation)
    {
        if (problem.Status >= 500)
        {
            throw new ArgumentOutOfRangeException(nameof(problem), problem.Status, "A rejection is a client error (4xx); report a host failure with Fail.");
        }

        var invocationId = IdOf(invocation);
        problem = problem.Copy();
        problem.Extensions["invocationId"] = invocationId;
        Log.HostRejected(logger, functionName ?? "(none)", problem.Status, problem.Title, problem.Detail, invocationId);
        return Answer(functionName, trigger, invocation, invocationId, FunctionStatus.Rejected, problem, null);
    }

    public static FunctionResult Fail(ILogger logger, string? functionName, FunctionTrigger trigger, Exception exception, bool includeDetails, FunctionInvocation? invocation)
    {
        var invocationId = IdOf(invocation);
        var problem = FunctionProblems.HostFailure(exception, includeDetails);
        problem.Extensions["invocationId"] = invocationId;
        Log.HostFailed(logger, exception, functionName ?? "(none)", invocationId);
        return Answer(functionName, trigger, invocation, invocationId, FunctionStatus.Failed, problem, exception);
    }

    private static string IdOf(FunctionInvocation? invocation) =>
        invocation?.InvocationId is { Length: > 0 } id ? id : FunctionInvoker.NewInvocationId();

    private static FunctionResult Answer(string? functionName, FunctionTrigger trigger, FunctionInvocation? invocation, string invocationId, FunctionStatus status, FunctionProblem problem, Exception? exception)
    {
        var result = new FunctionResult(status, null, invocationId, problem, exception, FunctionHttpResponse.Problem(problem));
        using var activity = FunctionTelemetry.Start(functionName ?? HostSpanName, invocation?.Trigger ?? trigger, invocation?.TraceParent, invocation?.TraceState, out _);
        if (activity is { IsAllDataRequested: true })
        {
            FunctionTelemetry.Tag(activity, functionName, invocation?.Trigger ?? trigger, invocationId, invocation?.Provider ?? FunctionProvider.Local);
        }

        FunctionTelemetry.RecordFailure(activity, result);
        return result;
    }
}
