using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Writes one JSON object per log entry with the keys Lambda's JSON log format uses — <c>timestamp</c>,
/// <c>level</c> (<c>TRACE</c> … <c>FATAL</c>), <c>requestId</c>, <c>message</c> — so that CloudWatch can filter by
/// level and correlate entries with invocations (<c>AWS_LAMBDA_LOG_FORMAT=JSON</c>). The message template's
/// values become members of their own; an exception adds <c>errorType</c>, <c>errorMessage</c> and <c>stackTrace</c>.
/// </summary>
internal sealed class LambdaJsonConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "lambda-json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly TimeProvider _time;

    public LambdaJsonConsoleFormatter(TimeProvider time)
        : base(FormatterName)
    {
        _time = time;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var exception = logEntry.Exception;
        if (message is null && exception is null)
        {
            return;
        }

        var scopes = new ScopeValues();
        scopeProvider?.ForEachScope(static (scope, values) => values.Read(scope), scopes);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("level", Level(logEntry.LogLevel));
            if (scopes.InvocationId is not null)
            {
                writer.WriteString("requestId", scopes.InvocationId);
            }

            writer.WriteString("message", message ?? exception!.Message);
            writer.WriteString("logger", logEntry.Category);
            if (scopes.FunctionName is not null)
            {
                writer.WriteString("functionName", scopes.FunctionName);
            }

            if (logEntry.EventId.Id != 0)
            {
                writer.WriteNumber("eventId", logEntry.EventId.Id);
            }

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (name, value) in values)
                {
                    if (!IsReserved(name))
                    {
                        WriteValue(writer, name, value);
                    }
                }
            }

            if (exception is not null)
            {
                writer.WriteString("errorType", exception.GetType().FullName);
                writer.WriteString("errorMessage", exception.Message);
                writer.WriteStartArray("stackTrace");
                foreach (var line in exception.ToString().Split('\n'))
                {
                    var trimmed = line.Trim();
                    if (trimmed.Length > 0)
                    {
                        writer.WriteStringValue(trimmed);
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        textWriter.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    internal static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private static bool IsReserved(string name) => name is "{OriginalFormat}" or "timestamp" or "level" or "requestId" or "message"
        or "logger" or "functionName" or "eventId" or "errorType" or "errorMessage" or "stackTrace";

    private static void WriteValue(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case string text:
                writer.WriteString(name, text);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                writer.WriteNumber(name, number);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumber(name, number);
                break;
            case decimal number:
                writer.WriteNumber(name, number);
                break;
            case IFormattable formattable:
                writer.WriteString(name, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteString(name, value.ToString());
                break;
        }
    }

    /// <summary>The invocation id and function name from the core's invocation scope.</summary>
    private sealed class ScopeValues
    {
        public string? InvocationId { get; private set; }

        public string? FunctionName { get; private set; }

        public void Read(object? scope)
        {
            if (scope is not IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                return;
            }

            foreach (var (name, value) in pairs)
            {
                if (name == "InvocationId" && value is string id)
                {
                    InvocationId = id;
                }
                else if (name == "FunctionName" && value is string function)
                {
                    FunctionName = function;
                }
            }
        }
    }
}
