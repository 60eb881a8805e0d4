using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Functions.Testing;

/// <summary>What one invocation in a <see cref="FunctionTestHost"/> left behind: its result, its logs and its activity.</summary>
public abstract class FunctionTestResult
{
    private protected FunctionTestResult(FunctionResult result, IReadOnlyList<CapturedLogEntry> logs, Activity? activity)
    {
        Result = result;
        Logs = logs;
        Activity = activity;
    }

    /// <summary>Gets the result exactly as an adapter receives it.</summary>
    public FunctionResult Result { get; }

    /// <summary>Gets the invocation id.</summary>
    public string InvocationId => Result.InvocationId;

    /// <summary>Gets how the invocation ended.</summary>
    public FunctionStatus Status => Result.Status;

    /// <summary>Gets whether the function handled the invocation.</summary>
    public bool Succeeded => Result.Succeeded;

    /// <summary>Gets the problem a caller would see, or <see langword="null"/> on success.</summary>
    public FunctionProblem? Problem => Result.Problem;

    /// <summary>Gets the exception behind a failure, or <see langword="null"/>.</summary>
    public Exception? Exception => Result.Exception;

    /// <summary>Gets the log entries written within this invocation's scope.</summary>
    public IReadOnlyList<CapturedLogEntry> Logs { get; }

    /// <summary>Gets the invocation's activity (stopped), as an exporter would receive it.</summary>
    public Activity? Activity { get; }
}

/// <summary>The outcome of an invocation with an HTTP request.</summary>
public class FunctionHttpTestResult : FunctionTestResult
{
    internal FunctionHttpTestResult(FunctionResult result, IReadOnlyList<CapturedLogEntry> logs, Activity? activity)
        : base(result, logs, activity)
    {
    }

    /// <summary>Gets the response exactly as an adapter would send it.</summary>
    public FunctionHttpResponse Response => Result.Response;

    /// <summary>Gets the status code.</summary>
    public int StatusCode => Result.StatusCode;

    /// <summary>Gets the body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Response.Body.Span);
}

/// <summary>The outcome of a typed invocation: the response read back from its JSON, or the problem.</summary>
/// <typeparam name="TResponse">The function's response type.</typeparam>
public sealed class FunctionTestResult<TResponse> : FunctionHttpTestResult
{
    internal FunctionTestResult(FunctionResult result, IReadOnlyList<CapturedLogEntry> logs, Activity? activity, JsonTypeInfo<TResponse> responseType)
        : base(result, logs, activity)
    {
        if (result.Problem is null && !result.Response.Body.IsEmpty)
        {
            Value = JsonSerializer.Deserialize(result.Response.Body.Span, responseType);
        }
    }

    /// <summary>Gets the response the function returned, as a caller reads it from the JSON body, or <see langword="default"/> when it answered with a problem.</summary>
    public TResponse? Value { get; }

    /// <summary>Gets whether the function answered with a 2xx status.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>The outcome of an event invocation.</summary>
public sealed class FunctionEventTestResult : FunctionTestResult
{
    internal FunctionEventTestResult(FunctionResult result, IReadOnlyList<CapturedLogEntry> logs, Activity? activity)
        : base(result, logs, activity)
    {
    }
}
