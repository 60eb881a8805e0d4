namespace Portable.Functions;

/// <summary>How an invocation ended.</summary>
public enum FunctionStatus
{
    /// <summary>The function handled the invocation.</summary>
    Succeeded = 0,

    /// <summary>
    /// The invocation was answered with a client error (4xx): its input does not bind, a middleware or the function
    /// refused it, or the host rejected the request. Retrying the same input will not help.
    /// </summary>
    Rejected = 1,

    /// <summary>The function or the host failed (5xx); the platform should retry an event.</summary>
    Failed = 2,

    /// <summary>The function did not finish before its deadline, or the platform cancelled it (504).</summary>
    TimedOut = 3,

    /// <summary>The caller went away before the function finished (499, which nobody reads).</summary>
    Aborted = 4,
}
