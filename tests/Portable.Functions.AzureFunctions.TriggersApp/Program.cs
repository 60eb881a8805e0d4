using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Portable.Functions;
using Portable.Functions.TestUtilities;

// The built-in model: no ASP.NET Core integration. The status table's functions, one event function per trigger, and
// two HTTP functions that show what reaches a function: the host's cancellation, and its trace context.
var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .ConfigureServices(services => services
        .AddStatusTableFunctions()
        .AddPortableFunctions(f => f
            .AddEventFunction<Recorder<string>, string>("queued")
            .AddEventFunction<Recorder<StorageObjectChange>, StorageObjectChange>("blob.created")
            .AddEventFunction<Recorder<ScheduleTick>, ScheduleTick>("nightly")
            .AddHttpFunction<Slow>("slow")
            .AddHttpFunction<TraceEcho>("trace"))
        .AddPortableFunctionsAzureFunctions())
    .Build();

// What an OpenTelemetry exporter does: listen to the invocations' activities, so that they are created at all.
using var listener = new ActivityListener
{
    ShouldListenTo = source => source.Name == FunctionTelemetry.ActivitySourceName,
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
};
ActivitySource.AddActivityListener(listener);
host.Run();

/// <summary>Logs what it received.</summary>
internal sealed class Recorder<T> : IEventFunction<T>
{
    public Task HandleAsync(FunctionEvent<T> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        context.Logger.LogInformation("received {Id} {Type} {Subject} {Data}", functionEvent.Id, functionEvent.Type, functionEvent.Subject, Describe(functionEvent.Data));
        return Task.CompletedTask;
    }

    private static string? Describe(T data) => data switch
    {
        StorageObjectChange change => $"{change.Kind} {change.Bucket}/{change.Key} {change.Size}",
        ScheduleTick tick => $"past-due={tick.IsPastDue}",
        _ => data?.ToString(),
    };
}

/// <summary>Waits until its token fires, and logs that it did.</summary>
internal sealed class Slow : IHttpFunction
{
    public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return FunctionHttpResponse.Text("never");
        }
        catch (OperationCanceledException)
        {
            context.Logger.LogInformation("slow: cancelled");
            throw;
        }
    }
}

/// <summary>Answers the invocation's id and its Activity's trace id, parent span id and trace state.</summary>
internal sealed class TraceEcho : IHttpFunction
{
    public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        var activity = Activity.Current;
        return Task.FromResult(FunctionHttpResponse.Text(
            $"{context.InvocationId} {activity?.TraceId} {activity?.ParentSpanId} {activity?.TraceStateString}"));
    }
}
