using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portable.Functions;
using Portable.Functions.TestUtilities;

// The built-in model: no ASP.NET Core integration. The status table's functions, plus one event function per trigger.
var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .ConfigureServices(services => services
        .AddStatusTableFunctions()
        .AddPortableFunctions(f => f
            .AddEventFunction<Recorder<string>, string>("queued")
            .AddEventFunction<Recorder<StorageObjectChange>, StorageObjectChange>("blob.created")
            .AddEventFunction<Recorder<ScheduleTick>, ScheduleTick>("nightly"))
        .AddPortableFunctionsAzureFunctions())
    .Build();
host.Run();

/// <summary>Logs what it received.</summary>
internal sealed class Recorder<T> : IEventFunction<T>
{
    public Task HandleAsync(FunctionEvent<T> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(context.Logger, "received {Id} {Type}", functionEvent.Id, functionEvent.Type);
        return Task.CompletedTask;
    }
}
