using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Functions.Testing;

/// <summary>What one invocation in a <see cref="FunctionTestHost"/> left behind: its logs and its activity.</summary>
public abstract class FunctionTestResult
{
    private protected FunctionTestResult(string invocationId, IReadOnlyList<CapturedLogEntry> logs, Activity? activity)
    {
        InvocationId = invocationId;
        Logs = logs;
        Activity = activity;
    }

    /// <summary>Gets the invocation id.</summary>
    public string InvocationId { get; }

    /// <summary>Gets the log entries written within this invocation's scope.</summary>
    public IReadOnlyList<CapturedLogEntry> Logs { get; }

    /// <summary>Gets the invocation's activity (stopped), as an exporter would receive it.</summary>
    public Activity? Activity { get; }
}

/// <summary>The outcome of an HTTP (or typed-over-HTTP) invocation.</summary>
public class FunctionHttpTestResult : FunctionTestResult
{
    internal FunctionHttpTestResult(string invocationId, IReadOnlyList<CapturedLogEntry> logs, Activity? activity, FunctionHttpResponse response)
        : base(invocationId, logs, activity)
    {
        Response = response;
        if (response.ContentType is { } contentType && contentType.StartsWith(MediaTypes.ProblemJson, StringComparison.OrdinalIgnoreCase))
        {
            Problem = ParseProblem(response.Body);
        }
    }

    /// <summary>Gets the response exactly as an adapter would send it.</summary>
    public FunctionHttpResponse Response { get; }

    /// <summary>Gets the status code.</summary>
    public int StatusCode => Response.StatusCode;

    /// <summary>Gets the problem when the response is <c>application/problem+json</c>, else <see langword="null"/>.</summary>
    public FunctionProblem? Problem { get; }

    /// <summary>Gets the body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Response.Body.Span);

    private static FunctionProblem ParseProblem(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var problem = new FunctionProblem(root.GetProperty("status").GetInt32(), root.GetProperty("title").GetString()!)
        {
            Type = root.TryGetProperty("type", out var type) ? type.GetString() : null,
            Detail = root.TryGetProperty("detail", out var detail) ? detail.GetString() : null,
            Instance = root.TryGetProperty("instance", out var instance) ? instance.GetString() : null,
        };
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("type" or "title" or "status" or "detail" or "instance"))
            {
                problem.Extensions[property.Name] = property.Value.Clone();
            }
        }

        return problem;
    }
}

/// <summary>The outcome of a typed invocation: the deserialized response, or the problem.</summary>
/// <typeparam name="TResponse">The function's response type.</typeparam>
public sealed class FunctionTestResult<TResponse> : FunctionHttpTestResult
{
    internal FunctionTestResult(string invocationId, IReadOnlyList<CapturedLogEntry> logs, Activity? activity, FunctionHttpResponse response, JsonTypeInfo<TResponse> responseType)
        : base(invocationId, logs, activity, response)
    {
        if (Problem is null && !response.Body.IsEmpty)
        {
            Value = JsonSerializer.Deserialize(response.Body.Span, responseType);
        }
    }

    /// <summary>Gets the response the function returned, or <see langword="default"/> when it answered with a problem.</summary>
    public TResponse? Value { get; }

    /// <summary>Gets whether the function answered with a 2xx status.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>The outcome of an event invocation.</summary>
public sealed class FunctionEventTestResult : FunctionTestResult
{
    internal FunctionEventTestResult(string invocationId, IReadOnlyList<CapturedLogEntry> logs, Activity? activity, FunctionEventResult result)
        : base(invocationId, logs, activity)
    {
        Result = result;
    }

    /// <summary>Gets the outcome an adapter would translate (acknowledge, retry, report a batch item failure).</summary>
    public FunctionEventResult Result { get; }

    /// <summary>Gets whether the event was handled.</summary>
    public bool Succeeded => Result.Succeeded;

    /// <summary>Gets how the invocation ended.</summary>
    public FunctionEventStatus Status => Result.Status;

    /// <summary>Gets the problem a caller would see, or <see langword="null"/> on success.</summary>
    public FunctionProblem? Problem => Result.Problem;

    /// <summary>Gets the exception the function threw, or <see langword="null"/>.</summary>
    public Exception? Exception => Result.Exception;
}
