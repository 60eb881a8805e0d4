using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Functions;

/// <summary>
/// The problems the library answers with, made in one place so that every host words and classifies them alike. Hosts
/// answer their own rejections with these through <see cref="FunctionInvoker.Reject"/> or
/// <see cref="FunctionCatalog.Reject"/>, which add the invocation id, the log entry and the span.
/// </summary>
public static class FunctionProblems
{
    /// <summary>No function is served at a path (404).</summary>
    /// <param name="path">The request path.</param>
    /// <returns>The problem.</returns>
    public static FunctionProblem NotFound(string path) =>
        new(404, "Not Found") { Detail = $"No function is served at '{path}'." };

    /// <summary>The request body is larger than the host accepts (413).</summary>
    /// <param name="limit">The limit in bytes.</param>
    /// <returns>The problem.</returns>
    public static FunctionProblem PayloadTooLarge(long limit) =>
        new(413, "Payload Too Large") { Detail = string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {limit} bytes this host accepts.") };

    /// <summary>A request that claims to be a CloudEvent is not a valid one (400).</summary>
    /// <param name="reason">What is wrong with it, safe to show a caller.</param>
    /// <returns>The problem.</returns>
    public static FunctionProblem InvalidCloudEvent(string reason) =>
        new(400, "Invalid CloudEvent") { Detail = reason };

    /// <summary>A platform event is malformed: it cannot be read as the event it claims to be (400).</summary>
    /// <param name="reason">What is wrong with it, safe to show a caller.</param>
    /// <returns>The problem.</returns>
    public static FunctionProblem InvalidEvent(string reason) =>
        new(400, "Invalid event") { Detail = reason };

    /// <summary>A platform event is well formed but of a kind the function cannot take (400).</summary>
    /// <param name="reason">Which event it was and what the function takes, safe to show a caller.</param>
    /// <returns>The problem.</returns>
    public static FunctionProblem UnsupportedEvent(string reason) =>
        new(400, "Unsupported event") { Detail = reason };

    internal static FunctionProblem MethodNotAllowed(string functionName, string allowed) =>
        new(405, "Method Not Allowed") { Detail = $"Function '{functionName}' accepts {allowed} requests only." };

    internal static FunctionProblem UnsupportedMediaType(string detail) =>
        new(415, "Unsupported Media Type") { Detail = detail };

    internal static FunctionProblem MissingInput(string title, string detail) =>
        new(400, title) { Detail = detail };

    /// <summary>
    /// The 400 for a body or event data that is not valid JSON or does not bind: it names the path, line and position
    /// or, when required members are missing, those members (in the <c>errors</c> shape of a validation problem).
    /// </summary>
    internal static FunctionProblem Binding(string functionName, string what, JsonException exception, JsonTypeInfo typeInfo, ReadOnlySpan<byte> json)
    {
        if (exception.Path == "$" && RequiredMembers.FindMissing(typeInfo, json) is { Count: > 0 } missing)
        {
            var names = string.Join("', '", missing);
            var invalid = new FunctionProblem(400, "Invalid " + what)
            {
                Detail = $"The {what} is missing the required member{(missing.Count == 1 ? string.Empty : "s")} '{names}' that function '{functionName}' expects.",
            };
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var name in missing)
            {
                errors[name] = [$"The {name} field is required."];
            }

            invalid.Extensions["errors"] = errors;
            return invalid;
        }

        var detail = $"The {what} is not valid JSON, or does not match the shape function '{functionName}' expects";
        if (exception.Path is { Length: > 0 } path)
        {
            detail += $", at '{path}'";
        }

        if (exception.LineNumber is { } line)
        {
            detail += string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1})");
        }

        var problem = new FunctionProblem(400, "Invalid " + what) { Detail = detail + "." };
        if (exception.Path is { Length: > 0 })
        {
            problem.Extensions["path"] = exception.Path;
        }

        if (exception.LineNumber is { } lineNumber)
        {
            problem.Extensions["line"] = lineNumber + 1;
            problem.Extensions["position"] = (exception.BytePositionInLine ?? 0) + 1;
        }

        return problem;
    }

    internal static FunctionProblem InternalError(Exception exception, bool includeDetails) =>
        new(500, "An unexpected error occurred.")
        {
            Detail = includeDetails ? exception.ToString() : "The function failed. Quote the invocation id when you report it.",
        };

    internal static FunctionProblem HostFailure(Exception exception, bool includeDetails) =>
        new(500, "An unexpected error occurred.")
        {
            Detail = includeDetails ? exception.ToString() : "The host failed. Quote the invocation id when you report it.",
        };

    internal static FunctionProblem TimedOut(bool byPlatform) =>
        new(504, "Gateway Timeout")
        {
            Detail = byPlatform ? "The platform cancelled the invocation before the function finished." : "The function did not finish before its deadline.",
        };

    internal static FunctionProblem Aborted() =>
        new(499, "Client Closed Request") { Detail = "The caller went away before the function finished." };
}
