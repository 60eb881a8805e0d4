using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The runtime's own logger factory: one line per entry on standard output, written as it is logged, in Lambda's text
/// or JSON log format. It replaces Microsoft.Extensions.Logging's factory and console provider, whose options and
/// open-generic services cost several milliseconds of every Native AOT cold start; a program that calls
/// <c>AddLogging</c> itself gets Microsoft.Extensions.Logging's instead, with the providers it adds.
/// </summary>
internal sealed class LambdaLoggerFactory : ILoggerFactory
{
    private readonly LambdaLogWriter _writer;

    public LambdaLoggerFactory(LambdaLogWriter writer)
    {
        _writer = writer;
    }

    public ILogger CreateLogger(string categoryName) => new LambdaLogger(categoryName, _writer);

    /// <summary>Providers are not supported: call <c>AddLogging</c> to use Microsoft.Extensions.Logging's providers.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The Lambda runtime's logger writes to standard output only; register providers with services.AddLogging(...).");

    public void Dispose()
    {
    }
}

/// <summary>A category's logger: filters by level, keeps scopes, hands each entry to the writer.</summary>
internal sealed class LambdaLogger(string category, LambdaLogWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => writer.Scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= writer.MinimumLevel && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            writer.Write(category, logLevel, eventId, state, exception, formatter(state, exception));
        }
    }
}

/// <summary>
/// Formats entries in Lambda's log formats and writes them to standard output, one write per line.
/// <list type="bullet">
/// <item><b>Text</b> (the default): <c>timestamp</c>, the request id, the level (<c>info</c>, <c>warn</c>, <c>fail</c>…)
/// and the message, tab-separated — the layout of AWS's own .NET runtime — then the exception, if any.</item>
/// <item><b>JSON</b> (<c>AWS_LAMBDA_LOG_FORMAT=JSON</c>): one object with Lambda's keys — <c>timestamp</c>,
/// <c>level</c> (<c>TRACE</c> … <c>FATAL</c>), <c>requestId</c>, <c>message</c> — plus <c>logger</c>,
/// <c>functionName</c>, <c>eventId</c>, the message template's values, and <c>errorType</c>, <c>errorMessage</c>,
/// <c>stackTrace</c> for an exception.</item>
/// </list>
/// </summary>
internal sealed class LambdaLogWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Stream _output;
    private readonly TimeProvider _time;
    private readonly bool _json;
    private readonly Lock _gate = new();

    public LambdaLogWriter(Stream output, bool json, LogLevel minimumLevel, TimeProvider time)
    {
        _output = output;
        _json = json;
        MinimumLevel = minimumLevel;
        _time = time;
    }

    public LogLevel MinimumLevel { get; }

    public LoggerExternalScopeProvider Scopes { get; } = new();

    /// <summary>The writer the runtime's settings ask for: <c>AWS_LAMBDA_LOG_FORMAT</c> and <c>AWS_LAMBDA_LOG_LEVEL</c>.</summary>
    public static LambdaLogWriter ForStandardOutput(string? format, string? level, TimeProvider time) =>
        new(Console.OpenStandardOutput(), string.Equals(format, "JSON", StringComparison.OrdinalIgnoreCase), ParseLevel(level), time);

    public static LogLevel ParseLevel(string? level) => level?.ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    public static string JsonLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    public void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, string? message)
    {
        if (string.IsNullOrEmpty(message) && exception is null)
        {
            return;
        }

        var scope = new ScopeValues();
        Scopes.ForEachScope(static (value, values) => values.Read(value), scope);
        var buffer = new ArrayBufferWriter<byte>(256);
        if (_json)
        {
            WriteJson(buffer, category, level, eventId, state, exception, message, scope);
        }
        else
        {
            WriteText(buffer, level, exception, message, scope);
        }

        buffer.Write("\n"u8);
        lock (_gate)
        {
            try
            {
                _output.Write(buffer.WrittenSpan);
                _output.Flush();
            }
            catch (IOException)
            {
                // Standard output is gone (a closed pipe): logging must never fail an invocation.
            }
        }
    }

    private string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void WriteText(ArrayBufferWriter<byte> buffer, LogLevel level, Exception? exception, string? message, ScopeValues scope)
    {
        var text = new StringBuilder(128)
            .Append(Timestamp()).Append('\t')
            .Append(scope.InvocationId).Append('\t')
            .Append(level switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            }).Append('\t')
            .Append(message);
        if (exception is not null)
        {
            text.Append(string.IsNullOrEmpty(message) ? string.Empty : "\n").Append(exception);
        }

        Encoding.UTF8.GetBytes(text.ToString(), buffer);
    }

    private void WriteJson<TState>(ArrayBufferWriter<byte> buffer, string category, LogLevel level, EventId eventId, TState state, Exception? exception, string? message, ScopeValues scope)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("timestamp", Timestamp());
        writer.WriteString("level", JsonLevel(level));
        if (scope.InvocationId is not null)
        {
            writer.WriteString("requestId", scope.InvocationId);
        }

        writer.WriteString("message", string.IsNullOrEmpty(message) ? exception!.Message : message);
        writer.WriteString("logger", category);
        if (scope.FunctionName is not null)
        {
            writer.WriteString("functionName", scope.FunctionName);
        }

        if (eventId.Id != 0)
        {
            writer.WriteNumber("eventId", eventId.Id);
        }

        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
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
