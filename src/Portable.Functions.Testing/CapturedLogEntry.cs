using Microsoft.Extensions.Logging;

namespace Portable.Functions.Testing;

/// <summary>One log entry written while a <see cref="FunctionTestHost"/> ran.</summary>
public sealed class CapturedLogEntry
{
    internal CapturedLogEntry(string category, LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyDictionary<string, object?> scope)
    {
        Category = category;
        Level = level;
        EventId = eventId;
        Message = message;
        Exception = exception;
        Scope = scope;
    }

    /// <summary>Gets the logger category.</summary>
    public string Category { get; }

    /// <summary>Gets the level.</summary>
    public LogLevel Level { get; }

    /// <summary>Gets the event id.</summary>
    public EventId EventId { get; }

    /// <summary>Gets the formatted message.</summary>
    public string Message { get; }

    /// <summary>Gets the exception logged with the entry, or <see langword="null"/>.</summary>
    public Exception? Exception { get; }

    /// <summary>Gets the values of the scopes the entry was written in (such as <c>InvocationId</c> and <c>FunctionName</c>).</summary>
    public IReadOnlyDictionary<string, object?> Scope { get; }

    /// <summary>Gets the id of the invocation the entry belongs to, or <see langword="null"/>.</summary>
    public string? InvocationId => Scope.TryGetValue("InvocationId", out var id) ? id as string : null;

    /// <inheritdoc/>
    public override string ToString() => $"{Level} {Category}: {Message}";
}
