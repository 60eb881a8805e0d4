namespace Portable.Functions;

/// <summary>
/// How one invocation ended, decided once by the core: its status, the HTTP status code that represents it on every
/// surface, the invocation id, the problem and the exception behind a failure, and the HTTP response. Adapters
/// translate it into their platform's terms; they never parse a response back or re-classify a failure.
/// </summary>
/// <remarks>
/// A typed function's response body is serialized into an array rented from a shared pool. Disposing the result once
/// the response is sent returns it; from then on the response's body reads empty. A result that is never disposed
/// leaves its array to the garbage collector, which is always safe.
/// </remarks>
public sealed class FunctionResult : IDisposable
{
    private readonly DefaultFunctionContext? _context;
    private readonly string? _invocationId;
    private FunctionHttpResponse? _response;

    internal FunctionResult(FunctionStatus status, DefaultFunctionContext? context, string? invocationId, FunctionProblem? problem, Exception? exception, FunctionHttpResponse? response)
    {
        Status = status;
        _context = context;
        _invocationId = invocationId;
        Problem = problem;
        Exception = exception;
        _response = response;
        StatusCode = response?.StatusCode ?? problem?.Status ?? 204;
    }

    /// <summary>Gets how the invocation ended.</summary>
    public FunctionStatus Status { get; }

    /// <summary>Gets whether the function handled the invocation.</summary>
    public bool Succeeded => Status == FunctionStatus.Succeeded;

    /// <summary>
    /// Gets the HTTP status code of the outcome: the response's status for HTTP invocations, 204 for a handled event,
    /// the problem's status for a failure.
    /// </summary>
    public int StatusCode { get; }

    /// <summary>Gets the invocation id: the platform's, or one generated for the invocation.</summary>
    public string InvocationId => _invocationId ?? _context!.InvocationId;

    /// <summary>
    /// Gets the problem that describes a failure to a caller — with the invocation id, and no internals unless
    /// <see cref="FunctionsOptions.IncludeExceptionDetails"/> is on — or <see langword="null"/> on success.
    /// </summary>
    public FunctionProblem? Problem { get; }

    /// <summary>
    /// Gets the exception behind a failure (what the function threw, the <see cref="FunctionProblemException"/> of a
    /// rejected input, the cancellation of a timed-out invocation), or <see langword="null"/>. Never send it to a
    /// caller; it is for logs and platform error reports.
    /// </summary>
    public Exception? Exception { get; }

    /// <summary>
    /// Gets the HTTP response that answers the invocation: the function's response (typed functions: the serialized
    /// value) on success, the problem as <c>application/problem+json</c> on failure, and 204 for a handled event.
    /// </summary>
    public FunctionHttpResponse Response => _response ??= Problem is null ? FunctionHttpResponse.Empty(204) : FunctionHttpResponse.Problem(Problem);

    /// <summary>
    /// Returns the pooled buffers of the response, if any, once it has been sent: call it when nothing will read
    /// <see cref="Response"/>'s body again. Calling it more than once does nothing more.
    /// </summary>
    public void Dispose() => _response?.ReleasePooledBody();
}
