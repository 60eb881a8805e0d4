using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>The core's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "Function {FunctionName} failed (invocation {InvocationId}).")]
    public static partial void FunctionFailed(ILogger logger, Exception exception, string functionName, string invocationId);

    [LoggerMessage(2, LogLevel.Warning, "Function {FunctionName} did not finish before its deadline {Deadline:O} (invocation {InvocationId}).")]
    public static partial void FunctionTimedOut(ILogger logger, string functionName, DateTimeOffset? deadline, string invocationId);

    [LoggerMessage(3, LogLevel.Information, "Function {FunctionName} was cancelled because the caller went away (invocation {InvocationId}).")]
    public static partial void FunctionAborted(ILogger logger, string functionName, string invocationId);

    [LoggerMessage(4, LogLevel.Information, "Function {FunctionName} answered with problem {Status} {Title}: {Detail} (invocation {InvocationId}).")]
    public static partial void FunctionProblem(ILogger logger, string functionName, int status, string title, string? detail, string invocationId);

    [LoggerMessage(5, LogLevel.Error, "Function {FunctionName} answered with problem {Status} {Title} (invocation {InvocationId}).")]
    public static partial void FunctionServerProblem(ILogger logger, Exception exception, string functionName, int status, string title, string invocationId);

    [LoggerMessage(6, LogLevel.Information, "The host refused a request for function {FunctionName} with problem {Status} {Title}: {Detail} (invocation {InvocationId}).")]
    public static partial void HostRejected(ILogger logger, string functionName, int status, string title, string? detail, string invocationId);

    [LoggerMessage(7, LogLevel.Error, "The host failed while serving function {FunctionName} (invocation {InvocationId}).")]
    public static partial void HostFailed(ILogger logger, Exception exception, string functionName, string invocationId);
}
