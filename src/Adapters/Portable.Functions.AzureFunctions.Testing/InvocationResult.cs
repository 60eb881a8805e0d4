using System.Net;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>How an invocation ended, as the worker's <c>InvocationResponse</c> reports it.</summary>
public enum InvocationStatus
{
    /// <summary>The function failed (an exception, a binding error, or a cancellation the worker reported as a failure).</summary>
    Failure,

    /// <summary>The function completed.</summary>
    Success,

    /// <summary>The worker reported the invocation as cancelled.</summary>
    Cancelled,
}

/// <summary>The exception a worker reported for a failed invocation (its <c>RpcException</c>).</summary>
/// <param name="Type">
/// The exception's type: the worker's own <c>type</c> field when it sets one (with <c>EnableUserCodeException</c>),
/// otherwise read from the first line of <paramref name="Message"/>, which the .NET worker fills with
/// <see cref="Exception.ToString"/>; <see langword="null"/> when neither names one.
/// </param>
/// <param name="Message">The message the worker sent.</param>
/// <param name="StackTrace">The stack trace the worker sent.</param>
/// <param name="Source">The exception's source.</param>
/// <param name="IsUserException">Whether the worker marked the exception as thrown by user code.</param>
public sealed record InvocationError(string? Type, string Message, string StackTrace, string Source, bool IsUserException);

/// <summary>The outcome of one invocation: its status, exception, return value, output bindings and logs.</summary>
public sealed class InvocationResult
{
    internal InvocationResult(
        string functionName,
        string invocationId,
        string traceParent,
        InvocationStatus status,
        InvocationError? error,
        TypedValue? returnValue,
        IReadOnlyDictionary<string, TypedValue> outputData,
        IReadOnlyList<WorkerLogEntry> logs)
    {
        FunctionName = functionName;
        InvocationId = invocationId;
        TraceParent = traceParent;
        Status = status;
        Error = error;
        ReturnValue = returnValue;
        OutputData = outputData;
        Logs = logs;
    }

    /// <summary>Gets the invoked function's name.</summary>
    public string FunctionName { get; }

    /// <summary>Gets the invocation's id.</summary>
    public string InvocationId { get; }

    /// <summary>Gets the W3C <c>traceparent</c> the invocation was sent with.</summary>
    public string TraceParent { get; }

    /// <summary>Gets how the invocation ended.</summary>
    public InvocationStatus Status { get; }

    /// <summary>Gets a value indicating whether the invocation succeeded.</summary>
    public bool Succeeded => Status == InvocationStatus.Success;

    /// <summary>Gets the exception the worker reported, or <see langword="null"/>.</summary>
    public InvocationError? Error { get; }

    /// <summary>Gets the function's return value (bound to <c>$return</c>), or <see langword="null"/> when it has none.</summary>
    public TypedValue? ReturnValue { get; }

    /// <summary>Gets the output bindings' values by binding name.</summary>
    public IReadOnlyDictionary<string, TypedValue> OutputData { get; }

    /// <summary>Gets the log entries the worker sent for this invocation, in the order they arrived.</summary>
    public IReadOnlyList<WorkerLogEntry> Logs { get; }

    /// <summary>Throws when the invocation did not succeed, with the worker's exception in the message.</summary>
    /// <returns>This result.</returns>
    /// <exception cref="InvalidOperationException">The invocation failed or was cancelled.</exception>
    public InvocationResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"Invocation {InvocationId} of '{FunctionName}' ended as {Status}: {Error?.Message}");

    /// <inheritdoc/>
    public override string ToString() => $"{FunctionName} {InvocationId}: {Status}";
}

/// <summary>
/// The outcome of an HTTP invocation: the HTTP response the caller of the Functions host would receive, and the
/// invocation behind it.
/// </summary>
public sealed class HttpInvocationResult
{
    internal HttpInvocationResult(HttpResponseMessage response, InvocationResult invocation, bool proxied)
    {
        Response = response;
        Invocation = invocation;
        IsProxied = proxied;
    }

    /// <summary>
    /// Gets the HTTP response, its body buffered. In the built-in model it is built from the worker's <c>RpcHttp</c>
    /// answer (500 with no body when the invocation failed, 200 when the function set no response, as the host
    /// answers); with the ASP.NET Core integration it is the worker's own response to the proxied request.
    /// </summary>
    public HttpResponseMessage Response { get; }

    /// <summary>Gets the response's status code.</summary>
    public HttpStatusCode StatusCode => Response.StatusCode;

    /// <summary>Gets the invocation: its status, exception, return value and logs.</summary>
    public InvocationResult Invocation { get; }

    /// <summary>Gets a value indicating whether the request was proxied to the worker's <c>HttpUri</c> (ASP.NET Core integration) rather than sent as <c>RpcHttp</c>.</summary>
    public bool IsProxied { get; }

    /// <summary>Reads the response body as text.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body.</returns>
    public Task<string> ReadBodyAsStringAsync(CancellationToken cancellationToken = default) => Response.Content.ReadAsStringAsync(cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => $"{(int)StatusCode} ({Invocation})";
}
