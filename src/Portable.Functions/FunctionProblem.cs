namespace Portable.Functions;

/// <summary>
/// An RFC 9457 problem: the one error shape every adapter writes as <c>application/problem+json</c>.
/// </summary>
public sealed class FunctionProblem
{
    private Dictionary<string, object?>? _extensions;

    /// <summary>Initializes a new instance of the <see cref="FunctionProblem"/> class.</summary>
    /// <param name="status">The HTTP status code, 400–599.</param>
    /// <param name="title">A short, human-readable summary of the problem type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not an error status.</exception>
    public FunctionProblem(int status, string title)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Status = status;
        Title = title;
    }

    /// <summary>Gets the HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Gets a short, human-readable summary of the problem type.</summary>
    public string Title { get; }

    /// <summary>Gets or sets a URI reference that identifies the problem type.</summary>
    /// <value>The default value is <see langword="null"/>, written as the status's section of RFC 9110.</value>
    public string? Type { get; set; }

    /// <summary>Gets or sets a human-readable explanation specific to this occurrence.</summary>
    public string? Detail { get; set; }

    /// <summary>Gets or sets a URI reference that identifies this occurrence.</summary>
    public string? Instance { get; set; }

    /// <summary>
    /// Gets the extension members. Values may be strings, numbers, booleans, <see cref="Guid"/>,
    /// <see cref="DateTimeOffset"/>, <see cref="System.Text.Json.JsonElement"/>,
    /// <see cref="System.Text.Json.Nodes.JsonNode"/>, sequences of these, or string-keyed dictionaries of these;
    /// anything else is written with <see cref="object.ToString"/>.
    /// </summary>
    public IDictionary<string, object?> Extensions => _extensions ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    internal bool HasExtensions => _extensions is { Count: > 0 };

    /// <summary>Copies the problem, extensions included (their values are shared, not cloned).</summary>
    internal FunctionProblem Copy()
    {
        var copy = new FunctionProblem(Status, Title) { Type = Type, Detail = Detail, Instance = Instance };
        if (HasExtensions)
        {
            foreach (var (name, value) in _extensions!)
            {
                copy.Extensions[name] = value;
            }
        }

        return copy;
    }

    /// <summary>Creates a 400 problem whose <c>errors</c> member lists messages by field, as validation frameworks do.</summary>
    /// <param name="errors">The messages by field name.</param>
    /// <param name="detail">An optional explanation.</param>
    /// <returns>The problem.</returns>
    public static FunctionProblem Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var problem = new FunctionProblem(400, "One or more validation errors occurred.") { Detail = detail };
        problem.Extensions["errors"] = errors;
        return problem;
    }

    /// <summary>Returns the default problem type URI for a status code (its section of RFC 9110).</summary>
    /// <param name="status">The status code.</param>
    /// <returns>The URI, or <c>about:blank</c> for a status RFC 9110 does not define.</returns>
    public static string DefaultType(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        406 => "https://tools.ietf.org/html/rfc9110#section-15.5.7",
        408 => "https://tools.ietf.org/html/rfc9110#section-15.5.9",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        410 => "https://tools.ietf.org/html/rfc9110#section-15.5.11",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        501 => "https://tools.ietf.org/html/rfc9110#section-15.6.2",
        502 => "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        504 => "https://tools.ietf.org/html/rfc9110#section-15.6.5",
        _ => "about:blank",
    };
}
