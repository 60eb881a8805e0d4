namespace Portable.Functions.AwsLambda.Tests;

/// <summary>Reads a payload as the source the dispatcher took it for, with the adapter's own reader for that source.</summary>
internal static class EventReading
{
    public static object? ReadAs(LambdaEventSource source, byte[] payload) => source switch
    {
        LambdaEventSource.ApiGatewayRest => HttpEventMapper.ReadRest(payload),
        LambdaEventSource.HttpApi => HttpEventMapper.ReadHttpApi(payload),
        LambdaEventSource.ApplicationLoadBalancer => HttpEventMapper.ReadAlb(payload),
        _ => EventMapper.Read(source, payload),
    };
}
