using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions;
using Portable.Functions.AwsLambda;

// "slow" answers after the given milliseconds, whatever happens meanwhile; a shutdown handler says when it ran.
// "batch" takes each record of a batch: it fails one whose data says "fail-now" and kills its own process (SIGKILL, as
// an out-of-memory kill does) on one that says "crash-now".
return await LambdaFunctionsHost.RunAsync(args, services => services
    .AddSingleton<ILambdaLifecycleHandler, SayGoodbye>()
    .AddPortableFunctions(f => f
        .AddFunction<Slow, SlowRequest, SlowResponse>("slow")
        .AddEventFunction<BatchRecords, JsonElement>("batch")
        .UseJsonContext(SlowJsonContext.Default)));

internal sealed record SlowRequest(int Milliseconds);

internal sealed record SlowResponse(int Waited);

internal sealed class Slow : IFunction<SlowRequest, SlowResponse>
{
    public async Task<SlowResponse> HandleAsync(SlowRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        await Console.Out.WriteLineAsync("started " + context.InvocationId);
        await Console.Out.FlushAsync(CancellationToken.None);
        await Task.Delay(request.Milliseconds, CancellationToken.None);
        return new SlowResponse(request.Milliseconds);
    }
}

internal sealed class BatchRecords : IEventFunction<JsonElement>
{
    public async Task HandleAsync(FunctionEvent<JsonElement> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        var data = functionEvent.Data.GetRawText();
        if (data.Contains("crash-now", StringComparison.Ordinal))
        {
            await Say("crashing " + functionEvent.Id);
            using var self = Process.GetCurrentProcess();
            self.Kill();
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }

        if (data.Contains("fail-now", StringComparison.Ordinal))
        {
            await Say("failing " + functionEvent.Id);
            throw new InvalidOperationException("The record asked to fail.");
        }

        await Say("processed " + functionEvent.Id);
    }

    private static async Task Say(string line)
    {
        await Console.Out.WriteLineAsync(line);
        await Console.Out.FlushAsync(CancellationToken.None);
    }
}

internal sealed class SayGoodbye : ILambdaLifecycleHandler
{
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await Console.Out.WriteLineAsync("shutdown handler ran");
        await Console.Out.FlushAsync(cancellationToken);
    }
}

[JsonSerializable(typeof(SlowRequest))]
[JsonSerializable(typeof(SlowResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class SlowJsonContext : JsonSerializerContext;
