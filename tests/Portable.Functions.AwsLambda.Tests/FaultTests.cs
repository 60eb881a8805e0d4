using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// Faults of the Runtime API the loop must survive or end on cleanly (the handler's own faults — throwing, hanging past
/// the deadline, an oversize response, a 500 from the API — are in <see cref="LambdaRuntimeTests"/>).
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class FaultTests
{
    [Fact]
    public async Task RuntimeApiUnreachableAtStart_TheRuntimeExitsNonZero_InsteadOfHanging()
    {
        // A port that was free a moment ago and that nobody listens on: connections are refused.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{port}",
            ["AWS_LAMBDA_FUNCTION_NAME"] = "fixture",
            ["_HANDLER"] = "greet",
        }).Build();

        var exitCode = await LambdaFunctionsHost.RunAsync([], s => s.AddGreeterFunctions().AddLogging(l => l.ClearProviders()), configuration, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public async Task NextAnswerCutMidBody_TheRuntimeDoesNotCrash_AndServesTheNextInvocation()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");
        runtime.Server.EnqueueCut("""{"text":"cut short, never whole"}""");
        var next = runtime.Server.Enqueue("""{"text":"after"}""");

        var served = await runtime.Server.ResultAsync(next);

        Assert.Equal("response", served.Kind);
        Assert.Contains("after", served.Body, StringComparison.Ordinal);
        Assert.False(runtime.Exit.IsCompleted);
    }

    [Fact]
    public async Task NextAnswerCutEveryTime_TheRuntimeExitsNonZero_InsteadOfSpinning()
    {
        var logs = new ListLoggerProvider();
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo", logs: logs);
        for (var i = 0; i < LambdaRuntime.MaxCutAnswersInARow; i++)
        {
            runtime.Server.EnqueueCut("""{"text":"cut short, never whole"}""");
        }

        var exitCode = await runtime.WaitForExitAsync();

        Assert.Equal(LambdaFunctionsHost.RuntimeApiFailedExitCode, exitCode);
        Assert.True(LambdaRuntime.MaxCutAnswersInARow == runtime.Server.NextCalls, string.Join("\n", logs.Messages));
    }

    [Fact]
    public async Task SlowNext_TheLoopWaits_AndThenServesTheInvocation()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        runtime.Server.HoldNextUntil(gate.Task);
        var requestId = runtime.Server.Enqueue("""{"text":"late"}""");
        await runtime.Server.NextHeld.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var result = runtime.Server.ResultAsync(requestId);

        Assert.False(result.IsCompleted); // the Runtime API has not answered /next yet
        Assert.False(runtime.Exit.IsCompleted); // and the runtime waits for it rather than giving up
        gate.SetResult();
        var served = await result;

        Assert.Equal("response", served.Kind);
        Assert.Contains("late", served.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseAnswered500_IsLogged_AndTheRuntimeExitsNonZeroAsTheContractSays()
    {
        var logs = new ListLoggerProvider();
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo", logs: logs);
        var requestId = Guid.NewGuid().ToString();
        runtime.Server.AnswerResponseWith(requestId, 500);
        runtime.Server.Enqueue(System.Text.Encoding.UTF8.GetBytes("""{"text":"refused"}"""), requestId: requestId);

        var exitCode = await runtime.WaitForExitAsync();

        Assert.Equal([requestId], runtime.Server.FailedResponses);
        Assert.Equal(LambdaFunctionsHost.RuntimeApiFailedExitCode, exitCode);
        Assert.Contains(logs.Messages, m => m.Contains("answered 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResponseRefusedAsTooLarge_WhileTheNextIsAskedFor_IsReportedAsAnError_AndTheNextInvocationIsServed()
    {
        // The response goes out with GET /next behind it; the Runtime API refuses it, then waits on that GET for the next
        // invocation: the error report goes on another connection meanwhile.
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");
        var requestId = Guid.NewGuid().ToString();
        runtime.Server.AnswerResponseWith(requestId, 413);
        runtime.Server.Enqueue(System.Text.Encoding.UTF8.GetBytes("""{"text":"refused"}"""), requestId: requestId);

        var refused = await runtime.Server.ResultAsync(requestId);
        var after = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"after"}"""));

        Assert.Equal(("error", "Function.ResponseSizeTooLarge"), (refused.Kind, refused.ErrorType));
        Assert.Equal("response", after.Kind);
        Assert.Contains("after", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseRefusedAsUnknown_IsLogged_AndTheNextInvocationIsServed()
    {
        var logs = new ListLoggerProvider();
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo", logs: logs);
        var requestId = Guid.NewGuid().ToString();
        runtime.Server.AnswerResponseWith(requestId, 400);
        runtime.Server.Enqueue(System.Text.Encoding.UTF8.GetBytes("""{"text":"refused"}"""), requestId: requestId);

        var after = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"after"}"""));

        Assert.Equal([requestId], runtime.Server.FailedResponses);
        Assert.Contains(logs.Messages, m => m.Contains("refused the response of request " + requestId, StringComparison.Ordinal));
        Assert.Equal("response", after.Kind);
        Assert.False(runtime.Server.WasAnswered(requestId));
    }
}

/// <summary>Keeps every log message, for tests that check what was logged.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider, ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _messages.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception.Message));

    public void Dispose()
    {
    }
}
