namespace Portable.Functions;

/// <summary>
/// Thrown by a function or middleware to answer with an RFC 9457 problem. On every HTTP surface it becomes an
/// <c>application/problem+json</c> response with the problem's status; for an event it marks the event as failed.
/// </summary>
public sealed class FunctionProblemException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FunctionProblemException"/> class.</summary>
    public FunctionProblemException()
        : this(new FunctionProblem(500, "An error occurred while processing the request."))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionProblemException"/> class.</summary>
    /// <param name="message">The detail of a 400 problem.</param>
    public FunctionProblemException(string message)
        : this(new FunctionProblem(400, "Bad Request") { Detail = message })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionProblemException"/> class.</summary>
    /// <param name="message">The detail of a 400 problem.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public FunctionProblemException(string message, Exception? innerException)
        : this(new FunctionProblem(400, "Bad Request") { Detail = message }, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionProblemException"/> class.</summary>
    /// <param name="status">The HTTP status code, 400–599.</param>
    /// <param name="title">A short summary of the problem type.</param>
    /// <param name="detail">An explanation specific to this occurrence.</param>
    public FunctionProblemException(int status, string title, string? detail = null)
        : this(new FunctionProblem(status, title) { Detail = detail })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionProblemException"/> class.</summary>
    /// <param name="problem">The problem to answer with.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public FunctionProblemException(FunctionProblem problem, Exception? innerException = null)
        : base(problem?.Detail ?? problem?.Title, innerException)
    {
        ArgumentNullException.ThrowIfNull(problem);
        Problem = problem;
    }

    /// <summary>Gets the problem to answer with.</summary>
    public FunctionProblem Problem { get; }

    /// <summary>Creates an exception for a 400 problem whose <c>errors</c> member lists messages by field.</summary>
    /// <param name="field">The field that failed validation.</param>
    /// <param name="message">The message for the field.</param>
    /// <returns>The exception, ready to throw.</returns>
    public static FunctionProblemException Validation(string field, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentException.ThrowIfNullOrEmpty(message);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] };
        return new FunctionProblemException(FunctionProblem.Validation(errors, message));
    }
}
