namespace Portable.Functions.AwsLambda;

/// <summary>What to tell the Runtime API about one invocation: a response body, or an error.</summary>
internal readonly struct LambdaOutcome
{
    private LambdaOutcome(ReadOnlyMemory<byte> response, string? errorType, ReadOnlyMemory<byte> errorBody, string? xrayCause = null, bool answered = false,
        FunctionResult? owner = null, byte[]? rented = null)
    {
        _owner = owner;
        _rented = rented;
        Response = response;
        ErrorType = errorType;
        ErrorBody = errorBody;
        XRayCause = xrayCause;
        IsAnswered = answered;
    }

    private readonly FunctionResult? _owner;
    private readonly byte[]? _rented;

    /// <summary>Gets the response body; when the outcome owns a result, valid until <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Response { get; }

    /// <summary>Gets the <c>Lambda-Runtime-Function-Error-Type</c>, or <see langword="null"/> for a response.</summary>
    public string? ErrorType { get; }

    public ReadOnlyMemory<byte> ErrorBody { get; }

    public bool IsError => ErrorType is not null;

    /// <summary>Gets the X-Ray error cause of an exception (<c>Lambda-Runtime-Function-XRay-Error-Cause</c>), or <see langword="null"/>.</summary>
    public string? XRayCause { get; }

    public static LambdaOutcome Success(ReadOnlyMemory<byte> response) => new(response, null, default);

    /// <summary>A response whose body is the result's own (possibly pooled): the outcome holds the result until it is posted.</summary>
    public static LambdaOutcome Success(FunctionResult result) => new(result.Response.Body, null, default, owner: result);

    /// <summary>A response written into an array rented from the shared pool, which <see cref="Release"/> returns.</summary>
    public static LambdaOutcome SuccessRented(ArraySegment<byte> rented) => new(rented, null, default, rented: rented.Array);

    /// <summary>Gives the pooled body back once the Runtime API has it (or it was not sent); call it once.</summary>
    public void Release()
    {
        _owner?.Dispose();
        if (_rented is { } rented)
        {
            RentedArrays.Return(rented);
        }
    }

    /// <summary>Gets an outcome already sent (a streamed response, ended cleanly or with its error trailers): nothing is left to post.</summary>
    public static LambdaOutcome Answered { get; } = new(default, null, default, xrayCause: null, answered: true);

    /// <summary>Gets whether the Runtime API already has the answer.</summary>
    public bool IsAnswered { get; }

    /// <summary>The largest error report sent; AWS's runtimes cap theirs at 256 KB.</summary>
    public const int MaxErrorSize = 256 * 1024;

    public static LambdaOutcome Error(string errorType, string errorMessage, string[]? stackTrace = null)
    {
        var bytes = EnvelopeWriter.WriteError(errorType, errorMessage, stackTrace ?? []);
        if (bytes.Length > MaxErrorSize)
        {
            var truncated = errorMessage.Length > 1024 ? string.Concat(errorMessage.AsSpan(0, 1024), " (truncated: the error exceeded 256 KB)") : errorMessage;
            bytes = EnvelopeWriter.WriteError(errorType, truncated, []);
        }

        return new LambdaOutcome(default, errorType, bytes);
    }

    /// <summary>
    /// The error AWS's runtimes report for an exception: its short type name, (only when allowed) its message and stack,
    /// and always the X-Ray error cause, which goes to the operator's traces and never to a caller.
    /// </summary>
    public static LambdaOutcome FromException(Exception exception, string safeMessage, bool includeDetails)
    {
        var type = exception.GetType().Name;
        var cause = XRayErrorCause.Create(exception, Environment.CurrentDirectory);
        if (!includeDetails)
        {
            return Error(type, safeMessage).WithXRayCause(cause);
        }

        var frames = new List<string>();
        foreach (var line in (exception.StackTrace ?? string.Empty).Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                frames.Add(trimmed);
            }
        }

        return Error(type, exception.Message, [.. frames]).WithXRayCause(cause);
    }

    private LambdaOutcome WithXRayCause(string? cause) => new(Response, ErrorType, ErrorBody, cause);
}
