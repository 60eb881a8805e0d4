using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The runtime's own logger: Lambda's text and JSON layouts, the invocation's request id from its scope, levels.</summary>
public sealed class LambdaLoggingTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

    [Fact]
    public void Text_EntryInAnInvocation_IsTimestampRequestIdLevelMessage_TabSeparated()
    {
        var (factory, output) = Create(json: false, LogLevel.Information);
        var logger = factory.CreateLogger("Greeter");

        using (logger.BeginScope(new Dictionary<string, object?> { ["InvocationId"] = "r-42", ["FunctionName"] = "greet" }))
        {
            logger.LogInformation("order {OrderId} accepted", "o-1");
        }

        logger.LogWarning("outside");

        Assert.Equal("2026-01-02T03:04:05.678Z\tr-42\tinfo\torder o-1 accepted\n2026-01-02T03:04:05.678Z\t\twarn\toutside\n", output.Text);
    }

    [Fact]
    public void Text_Exception_FollowsTheMessage()
    {
        var (factory, output) = Create(json: false, LogLevel.Information);

        factory.CreateLogger("Greeter").LogError(new InvalidOperationException("broken"), "failed");

        Assert.StartsWith("2026-01-02T03:04:05.678Z\t\tfail\tfailed\nSystem.InvalidOperationException: broken", output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_Entry_HasLambdasKeys_TheTemplatesValues_AndTheException()
    {
        var (factory, output) = Create(json: true, LogLevel.Information);
        var logger = factory.CreateLogger("Greeter.Orders");

        using (logger.BeginScope(new Dictionary<string, object?> { ["InvocationId"] = "r-7", ["FunctionName"] = "order-placed" }))
        {
            logger.LogError(new EventId(12, "Rejected"), new InvalidOperationException("negative"), "order {OrderId} rejected: {Amount}", "o-2", -1.5);
        }

        using var entry = JsonDocument.Parse(Assert.Single(output.Lines));
        var root = entry.RootElement;
        Assert.Equal("2026-01-02T03:04:05.678Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("ERROR", root.GetProperty("level").GetString());
        Assert.Equal("r-7", root.GetProperty("requestId").GetString());
        Assert.Equal("order o-2 rejected: -1.5", root.GetProperty("message").GetString());
        Assert.Equal("Greeter.Orders", root.GetProperty("logger").GetString());
        Assert.Equal("order-placed", root.GetProperty("functionName").GetString());
        Assert.Equal(12, root.GetProperty("eventId").GetInt32());
        Assert.Equal("o-2", root.GetProperty("OrderId").GetString());
        Assert.Equal(-1.5, root.GetProperty("Amount").GetDouble());
        Assert.Equal("System.InvalidOperationException", root.GetProperty("errorType").GetString());
        Assert.Equal("negative", root.GetProperty("errorMessage").GetString());
        Assert.StartsWith("System.InvalidOperationException: negative", root.GetProperty("stackTrace")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TRACE", LogLevel.Trace)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("ERROR", LogLevel.Error)]
    [InlineData("FATAL", LogLevel.Critical)]
    [InlineData(null, LogLevel.Information)]
    [InlineData("loud", LogLevel.Information)]
    public void MinimumLevel_ComesFromAwsLambdaLogLevel(string? setting, LogLevel expected)
    {
        var (factory, output) = Create(json: false, LambdaLogWriter.ParseLevel(setting));
        var logger = factory.CreateLogger("c");

        foreach (var level in (LogLevel[])[LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical])
        {
            logger.Log(level, "at {Level}", level);
        }

        Assert.Equal(LogLevel.Critical - expected + 1, output.Lines.Length);
        Assert.False(logger.IsEnabled(LogLevel.None));
    }

    private static (LambdaLoggerFactory Factory, Output Output) Create(bool json, LogLevel level)
    {
        var output = new Output();
        return (new LambdaLoggerFactory(new LambdaLogWriter(output.Stream, json, level, Time)), output);
    }

    private sealed class Output
    {
        public MemoryStream Stream { get; } = new();

        public string Text => Encoding.UTF8.GetString(Stream.ToArray());

        public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
