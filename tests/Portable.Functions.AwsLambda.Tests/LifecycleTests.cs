using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// SnapStart restore hooks around a simulated snapshot, and the graceful stop: an invocation in flight is answered,
/// then the shutdown handlers run and the runtime exits 0. Through the real loop against the loopback Runtime API.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class LifecycleTests
{
    [Fact]
    public async Task SnapStart_HooksRunInOrder_AroundTheSnapshot_ThenInvocationsAreServed()
    {
        var trail = new Trail();
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddLambdaTestFunctions().AddSingleton(trail).AddSingleton<ILambdaLifecycleHandler, First>().AddSingleton<ILambdaLifecycleHandler, Second>(),
            handler: "echo",
            environment: new Dictionary<string, string> { ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start" });

        await runtime.Server.SnapshotRequested.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["first:before-snapshot", "second:before-snapshot"], trail.Steps);
        Assert.Equal(0, runtime.Server.NextCalls);

        runtime.Server.Restore();
        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"after"}"""));

        Assert.Equal("response", result.Kind);
        Assert.Equal(["first:before-snapshot", "second:before-snapshot", "first:after-restore", "second:after-restore"], trail.Steps);
    }

    [Fact]
    public async Task SnapStart_AfterRestoreFails_IsReportedToRestoreError_AndTheRuntimeExits()
    {
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddLambdaTestFunctions().AddSingleton<ILambdaLifecycleHandler, FailsAfterRestore>(),
            handler: "echo",
            environment: new Dictionary<string, string> { ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start" });

        await runtime.Server.SnapshotRequested.WaitAsync(TimeSpan.FromSeconds(30));
        runtime.Server.Restore();
        var error = await runtime.Server.RestoreError.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("Runtime.AfterRestoreError", error.ErrorType);
        Assert.DoesNotContain("secret", error.Body, StringComparison.Ordinal);
        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, await runtime.WaitForExitAsync());
        Assert.Equal(0, runtime.Server.NextCalls);
    }

    [Fact]
    public async Task SnapStart_BeforeSnapshotFails_IsAnInitError()
    {
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddLambdaTestFunctions().AddSingleton<ILambdaLifecycleHandler, FailsBeforeSnapshot>(),
            handler: "echo",
            environment: new Dictionary<string, string> { ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start" });

        var error = await runtime.Server.InitError.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("Runtime.BeforeSnapshotError", error.ErrorType);
        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, await runtime.WaitForExitAsync());
    }

    [Fact]
    public async Task Stop_WithAnInvocationInFlight_AnswersIt_RunsTheShutdownHandlers_AndExitsZero()
    {
        var trail = new Trail();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddSingleton(trail).AddSingleton(gate).AddSingleton<ILambdaLifecycleHandler, First>()
                .AddPortableFunctions(f => f.AddFunction<Held, EchoRequest, EchoResponse>("held").UseJsonContext(TestJsonContext.Default)),
            handler: "held");

        var requestId = runtime.Server.Enqueue("""{"text":"in flight"}""");
        await trail.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        runtime.Stop(); // what SIGTERM does: stop taking invocations
        gate.SetResult();
        var result = await runtime.Server.ResultAsync(requestId);
        var exitCode = await runtime.WaitForExitAsync();

        Assert.Equal("response", result.Kind);
        Assert.Contains("in flight", result.Body, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Equal(["first:shutdown"], trail.Steps);
        Assert.Equal(1, runtime.Server.NextCalls);
    }

    public sealed class Trail
    {
        public ConcurrentQueue<string> Steps { get; } = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class First(Trail trail) : ILambdaLifecycleHandler
    {
        public Task BeforeSnapshotAsync(CancellationToken cancellationToken) => Record("first:before-snapshot");

        public Task AfterRestoreAsync(CancellationToken cancellationToken) => Record("first:after-restore");

        public Task ShutdownAsync(CancellationToken cancellationToken) => Record("first:shutdown");

        private Task Record(string step)
        {
            trail.Steps.Enqueue(step);
            return Task.CompletedTask;
        }
    }

    public sealed class Second(Trail trail) : ILambdaLifecycleHandler
    {
        public Task BeforeSnapshotAsync(CancellationToken cancellationToken)
        {
            trail.Steps.Enqueue("second:before-snapshot");
            return Task.CompletedTask;
        }

        public Task AfterRestoreAsync(CancellationToken cancellationToken)
        {
            trail.Steps.Enqueue("second:after-restore");
            return Task.CompletedTask;
        }
    }

    public sealed class FailsAfterRestore : ILambdaLifecycleHandler
    {
        public Task AfterRestoreAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("secret connection string");
    }

    public sealed class FailsBeforeSnapshot : ILambdaLifecycleHandler
    {
        public Task BeforeSnapshotAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("cannot warm up");
    }

    /// <summary>Holds its invocation until the test opens the gate.</summary>
    public sealed class Held(Trail trail, TaskCompletionSource gate) : IFunction<EchoRequest, EchoResponse>
    {
        public async Task<EchoResponse> HandleAsync(EchoRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            trail.Entered.TrySetResult();
            await gate.Task;
            return new EchoResponse(request.Text, context.InvocationId, null, null, null, null, "none", null);
        }
    }
}
