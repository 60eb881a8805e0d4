using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>The main thread's connection on the C library's calls (Linux), against real loopback listeners.</summary>
public sealed class NativeSocketTests
{
    [Fact]
    public async Task SendAndReceive_OverLoopback_CarryTheBytesBothWays_AndZeroMeansThePeerClosed()
    {
        using var pair = await ConnectedPair.OpenAsync(IPAddress.Loopback);
        var (socket, peer) = (pair.Socket, pair.Peer);
        var stream = peer.GetStream();

        socket.Send("ping"u8);
        var received = new byte[4];
        await stream.ReadExactlyAsync(received, TestContext.Current.CancellationToken);
        await stream.WriteAsync("pong"u8.ToArray(), TestContext.Current.CancellationToken);
        var buffer = new byte[16];
        var count = socket.Receive(buffer);
        peer.Client.Shutdown(SocketShutdown.Send);

        Assert.Equal("ping", Encoding.ASCII.GetString(received));
        Assert.Equal("pong", Encoding.ASCII.GetString(buffer, 0, count));
        Assert.Equal(0, socket.Receive(buffer));
    }

    [Fact]
    public async Task Connect_ToAnIPv6Address_Works()
    {
        Assert.SkipUnless(Socket.OSSupportsIPv6, "IPv6 is not available here.");
        TcpListener listener;
        try
        {
            listener = Listen(IPAddress.IPv6Loopback);
        }
        catch (SocketException)
        {
            Assert.Skip("The IPv6 loopback address is not configured here.");
            throw;
        }

        using (listener)
        {
            var accepted = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            using var socket = Connect(IPAddress.IPv6Loopback, Port(listener));
            using var peer = await accepted;

            Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)peer.Client.RemoteEndPoint!).Address);
        }
    }

    [Fact]
    public void Connect_NothingListens_IsASocketExceptionSayingConnectionRefused()
    {
        var port = FreePort();
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The C library's calls are used on Linux only.");

        var exception = Assert.Throws<SocketException>(() => NativeSocket.TryConnect(IPAddress.Loopback, port));

        Assert.Equal(SocketError.ConnectionRefused, exception.SocketErrorCode);
    }

    [Fact]
    public async Task Abort_FromAnotherThread_EndsAReceiveBlockedOnTheConnection()
    {
        using var pair = await ConnectedPair.OpenAsync(IPAddress.Loopback);
        var (socket, peer) = (pair.Socket, pair.Peer);
        var receiving = Task.Factory.StartNew(() => socket.Receive(new byte[16]), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(receiving.IsCompleted); // blocked: nothing was sent
        socket.Abort();

        Assert.Equal(0, await receiving.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Send_AfterThePeerReset_IsASocketExceptionOfTheKindASocketReports_NotASignal()
    {
        using var pair = await ConnectedPair.OpenAsync(IPAddress.Loopback);
        var socket = pair.Socket;
        pair.Peer.Client.LingerState = new LingerOption(true, 0); // close with a reset
        pair.Peer.Dispose();

        // The reset arrives with the first send or the next; the process must survive it (no SIGPIPE) either way.
        var exception = Assert.Throws<SocketException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                socket.Send(new byte[64 * 1024]);
                Thread.Sleep(10);
            }
        });

        Assert.Contains(exception.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown });
    }

    [Theory]
    [InlineData(104, SocketError.ConnectionReset)]
    [InlineData(111, SocketError.ConnectionRefused)]
    [InlineData(32, SocketError.Shutdown)]
    [InlineData(103, SocketError.ConnectionAborted)]
    [InlineData(110, SocketError.TimedOut)]
    [InlineData(9999, SocketError.SocketError)]
    public void Error_MapsLinuxErrorNumbers_ToWhatASocketReports(int errno, SocketError expected) =>
        Assert.Equal(expected, NativeSocket.Error(errno).SocketErrorCode);

    /// <summary>A native connection to a loopback listener, and the listener's end of it.</summary>
    private sealed class ConnectedPair(TcpListener listener, NativeSocket socket, TcpClient peer) : IDisposable
    {
        public NativeSocket Socket { get; } = socket;

        public TcpClient Peer { get; } = peer;

        public static async Task<ConnectedPair> OpenAsync(IPAddress address)
        {
            var listener = Listen(address);
            var accepted = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            var socket = Connect(address, Port(listener));
            return new ConnectedPair(listener, socket, await accepted);
        }

        public void Dispose()
        {
            Peer.Dispose();
            Socket.Dispose();
            listener.Dispose();
        }
    }

    private static NativeSocket Connect(IPAddress address, int port)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The C library's calls are used on Linux only.");
        return NativeSocket.TryConnect(address, port) ?? throw new InvalidOperationException("The C library's socket calls were not found.");
    }

    private static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static int FreePort()
    {
        using var listener = Listen(IPAddress.Loopback);
        return Port(listener);
    }
}
