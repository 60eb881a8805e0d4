using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions;
using Portable.Functions.AwsLambda;

// "slow" answers after the given milliseconds, whatever happens meanwhile; a shutdown handler says when it ran.
return await LambdaFunctionsHost.RunAsync(args, services => services
    .AddSingleton<ILambdaLifecycleHandler, SayGoodbye>()
    .AddPortableFunctions(f => f.AddFunction<Slow, SlowRequest, SlowResponse>("slow").UseJsonContext(SlowJsonContext.Default)));

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
internal sealed partial class SlowJsonContext : JsonSerializerContext;
