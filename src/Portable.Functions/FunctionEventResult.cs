namespace Portable.Functions;

/// <summary>How an event invocation ended.</summary>
public enum FunctionEventStatus
{
    /// <summary>The function handled the event.</summary>
    Succeeded = 0,

    /// <summary>The event could not be bound to the function's data type; retrying it will not help.</summary>
    Rejected = 1,

    /// <summary>The function failed (it threw); the platform should retry the event.</summary>
    Failed = 2,

    /// <summary>The function did not finish before its deadline.</summary>
    TimedOut = 3,

    /// <summary>The caller went away before the function finished.</summary>
    Aborted = 4,
}

/// <summary>The outcome of one event invocation, for the adapter to translate into its platform's terms.</summary>
public sealed class FunctionEventResult
{
    private static readonly FunctionEventResult SucceededResult = new(FunctionEventStatus.Succeeded, null, null, null);

    private FunctionEventResult(FunctionEventStatus status, string? invocationId, FunctionProblem? problem, Exception? exception)
    {
        Status = status;
        InvocationId = invocationId;
        Problem = problem;
        Exception = exception;
    }

    /// <summary>Gets how the invocation ended.</summary>
    public FunctionEventStatus Status { get; }

    /// <summary>Gets whether the event was handled.</summary>
    public bool Succeeded => Status == FunctionEventStatus.Succeeded;

    /// <summary>Gets the invocation id of a failed invocation, or <see langword="null"/> when it succeeded.</summary>
    public string? InvocationId { get; }

    /// <summary>Gets the problem that describes the failure to a caller (no internals unless the development option is on), or <see langword="null"/>.</summary>
    public FunctionProblem? Problem { get; }

    /// <summary>Gets the exception the function threw, or <see langword="null"/>. Never send it to a caller; it is for logs and error reports.</summary>
    public Exception? Exception { get; }

    /// <summary>Translates the outcome into an HTTP response: 204 on success, otherwise the problem.</summary>
    /// <returns>The response.</returns>
    public FunctionHttpResponse ToHttpResponse() =>
        Problem is null ? FunctionHttpResponse.Empty(204) : FunctionHttpResponse.Problem(Problem);

    internal static FunctionEventResult Success() => SucceededResult;

    internal static FunctionEventResult Failure(FunctionEventStatus status, string invocationId, FunctionProblem problem, Exception? exception) =>
        new(status, invocationId, problem, exception);
}
