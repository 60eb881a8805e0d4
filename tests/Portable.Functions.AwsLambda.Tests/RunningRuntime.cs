using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>Runs the adapter's real host and loop (<see cref="LambdaFunctionsHost"/>) against a <see cref="RuntimeApiServer"/>.</summary>
public sealed class RunningRuntime : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private RunningRuntime(RuntimeApiServer server)
    {
        Server = server;
    }

    public RuntimeApiServer Server { get; }

    /// <summary>Completes with the host's exit code.</summary>
    public Task<int> Exit { get; private set; } = Task.FromResult(0);

    public IServiceProvider? Services { get; private set; }

    public static async Task<RunningRuntime> StartAsync(
        Action<IServiceCollection> configureServices,
        string? handler = null,
        IReadOnlyDictionary<string, string>? environment = null,
        ILoggerProvider? logs = null)
    {
        var server = await RuntimeApiServer.StartAsync();
        var runtime = new RunningRuntime(server);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_LAMBDA_RUNTIME_API"] = server.Address,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "fixture",
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512",
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/fixture",
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/01/01/[$LATEST]fixture",
            ["AWS_REGION"] = "eu-west-1",
        };
        if (handler is not null)
        {
            variables["_HANDLER"] = handler;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(variables!).Build();
        runtime.Exit = Task.Run(() => LambdaFunctionsHost.RunAsync([], services =>
        {
            configureServices(services);
            services.AddLogging(logging =>
            {
                logging.ClearProviders();
                if (logs is not null)
                {
                    logging.AddProvider(logs);
                }
            });
        }, configuration, runtime._stop.Token));
        return runtime;
    }

    /// <summary>Stops the runtime as SIGTERM does: no more invocations; the one in flight is answered.</summary>
    public void Stop() => _stop.Cancel();

    public async Task<int> WaitForExitAsync() => await Exit.WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Exit.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Server.DisposeAsync();
            _stop.Dispose();
        }
    }
}
