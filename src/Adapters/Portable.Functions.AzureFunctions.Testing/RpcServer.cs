using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>The host's gRPC server: <c>FunctionRpc.EventStream</c> over HTTP/2 cleartext on a free loopback port.</summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Gets the server's address, such as <c>http://127.0.0.1:36427/</c>.</summary>
    public Uri Address { get; }

    public static async Task<RpcServer> StartAsync(WorkerConnection connection, int maxMessageLength, CancellationToken cancellationToken)
    {
        // An empty builder: no appsettings.json or ASPNETCORE_* settings of the test process can add endpoints or logging.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddSingleton(connection);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = maxMessageLength;
            grpc.MaxSendMessageSize = maxMessageLength;
            grpc.EnableDetailedErrors = true;
        });
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RpcServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Calls still open are cut.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The <c>FunctionRpc</c> service: every <c>EventStream</c> call goes to the one worker connection.</summary>
internal sealed class FunctionRpcService(WorkerConnection connection) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
        => connection.ServeAsync(requestStream, responseStream, context.CancellationToken);
}
