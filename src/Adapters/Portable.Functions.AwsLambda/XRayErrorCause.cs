using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The <c>Lambda-Runtime-Function-XRay-Error-Cause</c> header of an <c>/error</c> report: X-Ray's error cause — the
/// working directory, every exception of the chain (type, message, stack frames with path, line and method) and the
/// source paths — as single-line JSON. It goes to X-Ray, never to the caller.
/// </summary>
internal static class XRayErrorCause
{
    /// <summary>The header's name.</summary>
    public const string Header = "Lambda-Runtime-Function-XRay-Error-Cause";

    /// <summary>AWS's runtimes send the cause only while it is under 1 MiB.</summary>
    public const int MaxSize = 1024 * 1024;

    /// <summary>The cause, without frames when it would be too large with them, or <see langword="null"/> when even that is too large.</summary>
    public static string? Create(Exception exception, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Write(exception, workingDirectory, withFrames: true) ?? Write(exception, workingDirectory, withFrames: false);
    }

    private static string? Write(Exception exception, string workingDirectory, bool withFrames)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        using (var writer = new Utf8JsonWriter(buffer)) // the default encoder escapes everything but printable ASCII: a safe header value
        {
            writer.WriteStartObject();
            writer.WriteString("working_directory", workingDirectory);
            writer.WriteStartArray("exceptions");
            for (var current = exception; current is not null; current = current.InnerException)
            {
                writer.WriteStartObject();
                writer.WriteString("type", current.GetType().Name);
                writer.WriteString("message", current.Message);
                writer.WriteStartArray("stack");
                if (withFrames)
                {
                    foreach (var frame in Frames(current.StackTrace))
                    {
                        writer.WriteStartObject();
                        if (frame.Path is { } path)
                        {
                            writer.WriteString("path", path);
                            paths.Add(path);
                        }

                        if (frame.Line is { } line)
                        {
                            writer.WriteNumber("line", line);
                        }

                        writer.WriteString("label", frame.Label);
                        writer.WriteEndObject();
                    }
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("paths");
            foreach (var path in paths)
            {
                writer.WriteStringValue(path);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenCount < MaxSize ? System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) : null;
    }

    /// <summary>
    /// The frames of a stack trace as .NET prints them (<c>at Method(args) in path:line N</c>): read from the text, which
    /// Native AOT keeps, rather than from reflection over methods, which trimming may remove.
    /// </summary>
    internal static IEnumerable<(string Label, string? Path, int? Line)> Frames(string? stackTrace)
    {
        if (string.IsNullOrEmpty(stackTrace))
        {
            yield break;
        }

        foreach (var raw in stackTrace.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("at ", StringComparison.Ordinal))
            {
                continue;
            }

            line = line[3..];
            var inAt = line.LastIndexOf(" in ", StringComparison.Ordinal);
            if (inAt < 0)
            {
                yield return (line, null, null);
                continue;
            }

            var location = line[(inAt + 4)..];
            var lineAt = location.LastIndexOf(":line ", StringComparison.Ordinal);
            int? number = lineAt >= 0 && int.TryParse(location.AsSpan(lineAt + 6), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            yield return (line[..inAt], lineAt >= 0 ? location[..lineAt] : location, number);
        }
    }
}
