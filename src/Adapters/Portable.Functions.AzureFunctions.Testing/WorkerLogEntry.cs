using Microsoft.Extensions.Logging;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>Who wrote a log entry, as the worker classifies it (its <c>RpcLogCategory</c>).</summary>
public enum WorkerLogKind
{
    /// <summary>The function's own code.</summary>
    User,

    /// <summary>The worker itself.</summary>
    System,

    /// <summary>A custom metric.</summary>
    CustomMetric,
}

/// <summary>One log entry the worker sent to the host (an <c>RpcLog</c>).</summary>
/// <param name="InvocationId">The invocation it belongs to, or <see langword="null"/> for the worker's own entries.</param>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">The level.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, or <see langword="null"/>.</param>
/// <param name="Kind">Who wrote it.</param>
public sealed record WorkerLogEntry(string? InvocationId, string Category, LogLevel Level, string Message, InvocationError? Exception, WorkerLogKind Kind)
{
    /// <inheritdoc/>
    public override string ToString() => $"[{Level}] {Category}: {Message}";
}
