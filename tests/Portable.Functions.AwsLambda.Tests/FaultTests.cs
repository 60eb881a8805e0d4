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
}
