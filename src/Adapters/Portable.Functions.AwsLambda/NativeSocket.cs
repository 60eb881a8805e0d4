using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// A blocking TCP connection on the C library's own socket calls, for the runtime's main thread on Linux.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Socket"/>, even used only with blocking calls, starts System.Net.Sockets' event engine — an epoll
/// instance and a thread — when the first one is created: a few percent of a Native AOT cold start on the Lambda
/// runtime's path (docs/benchmarks.md), for asynchronous I/O the main thread never does. The calls are found in the
/// process's global symbol scope (<c>socket</c>, <c>connect</c>, ... are the C library's, on glibc and musl alike), so
/// no library name is probed. Where they cannot be found, or off Linux on x64 and arm64 (whose constants this class
/// uses), <see cref="TryConnect"/> returns
/// <see langword="null"/> and the caller uses a <see cref="Socket"/>.
/// </para>
/// <para>
/// Failures are <see cref="SocketException"/>s with the <see cref="SocketError"/> the platform's own sockets would
/// report, so that callers handle both kinds of connection alike. <see cref="Abort"/> may be called from another thread
/// while a call blocks: it shuts the connection down, which ends the blocked call; the descriptor itself is closed only
/// by <see cref="Dispose"/>, so it is never reused under a call still using it.
/// </para>
/// </remarks>
internal sealed unsafe class NativeSocket : IDisposable
{
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int IpProtoTcp = 6;
    private const int TcpNoDelay = 1;
    private const int MsgNoSignal = 0x4000;
    private const int ShutRdWr = 2;
    private const int Eintr = 4;

    private readonly Lock _lock = new();
    private int _fd;
    private bool _closed;

    private NativeSocket(int fd) => _fd = fd;

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>, or returns <see langword="null"/> where the C library's calls are not used.</summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    public static NativeSocket? TryConnect(IPAddress address, int port)
    {
        if (!Calls.Available)
        {
            return null;
        }

        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet;
        var fd = Calls.Socket(family, SockStream | SockCloexec, IpProtoTcp);
        if (fd < 0)
        {
            throw Error(Marshal.GetLastSystemError());
        }

        var socket = new NativeSocket(fd);
        try
        {
            var one = 1;
            _ = Calls.SetSockOpt(fd, IpProtoTcp, TcpNoDelay, &one, sizeof(int)); // latency only: a failure changes nothing else

            // sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes): family in host order, port and address in network order.
            var sockaddr = stackalloc byte[28];
            new Span<byte>(sockaddr, 28).Clear();
            *(ushort*)sockaddr = (ushort)family;
            sockaddr[2] = (byte)(port >> 8);
            sockaddr[3] = (byte)port;
            int length;
            if (family == AfInet6)
            {
                _ = address.TryWriteBytes(new Span<byte>(sockaddr + 8, 16), out _);
                *(uint*)(sockaddr + 24) = (uint)address.ScopeId;
                length = 28;
            }
            else
            {
                _ = address.TryWriteBytes(new Span<byte>(sockaddr + 4, 4), out _);
                length = 16;
            }

            if (Calls.Connect(fd, sockaddr, length) != 0)
            {
                var errno = Marshal.GetLastSystemError();
                if (errno != Eintr)
                {
                    var error = Error(errno);
                    throw new SocketException((int)error.SocketErrorCode, $"{error.Message} {(family == AfInet6 ? $"[{address}]" : address)}:{port}");
                }

                // Interrupted by a signal: the connection goes on by itself; wait for it to finish.
                socket.WaitConnected();
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends all of <paramref name="buffer"/>.</summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var sent = 0;
            while (sent < buffer.Length)
            {
                var count = Calls.Send(_fd, start + sent, (nuint)(buffer.Length - sent), MsgNoSignal);
                if (count < 0)
                {
                    var errno = Marshal.GetLastSystemError();
                    if (errno == Eintr)
                    {
                        continue;
                    }

                    throw Error(errno);
                }

                sent += (int)count;
            }
        }
    }

    /// <summary>Receives what has arrived, waiting for at least one byte; 0 when the peer has closed the connection.</summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    public int Receive(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var count = Calls.Recv(_fd, start, (nuint)buffer.Length, 0);
                if (count >= 0)
                {
                    return (int)count;
                }

                var errno = Marshal.GetLastSystemError();
                if (errno != Eintr)
                {
                    throw Error(errno);
                }
            }
        }
    }

    /// <summary>Shuts the connection down, which ends a call blocked on it on another thread. Safe to call at any time.</summary>
    public void Abort()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _ = Calls.Shutdown(_fd, ShutRdWr);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _ = Calls.Close(_fd);
            _fd = -1;
        }
    }

    /// <summary>The error a <see cref="Socket"/> would have reported for <paramref name="errno"/> (Linux numbering).</summary>
    internal static SocketException Error(int errno) => new((int)(errno switch
    {
        9 => SocketError.OperationAborted, // EBADF
        13 => SocketError.AccessDenied, // EACCES
        22 => SocketError.InvalidArgument, // EINVAL
        24 => SocketError.TooManyOpenSockets, // EMFILE
        32 => SocketError.Shutdown, // EPIPE
        99 => SocketError.AddressNotAvailable, // EADDRNOTAVAIL
        101 => SocketError.NetworkUnreachable, // ENETUNREACH
        103 => SocketError.ConnectionAborted, // ECONNABORTED
        104 => SocketError.ConnectionReset, // ECONNRESET
        105 => SocketError.NoBufferSpaceAvailable, // ENOBUFS
        107 => SocketError.NotConnected, // ENOTCONN
        110 => SocketError.TimedOut, // ETIMEDOUT
        111 => SocketError.ConnectionRefused, // ECONNREFUSED
        113 => SocketError.HostUnreachable, // EHOSTUNREACH
        _ => SocketError.SocketError,
    }));

    /// <summary>After an interrupted <c>connect</c>: waits until the socket is writable, then takes the connection's outcome.</summary>
    private void WaitConnected()
    {
        const short PollOut = 4;
        const int SolSocket = 1;
        const int SoError = 4;
        var poll = stackalloc int[2]; // struct pollfd { int fd; short events; short revents; }
        while (true)
        {
            poll[0] = _fd;
            poll[1] = PollOut;
            if (Calls.Poll(poll, 1, -1) >= 0)
            {
                break;
            }

            var errno = Marshal.GetLastSystemError();
            if (errno != Eintr)
            {
                throw Error(errno);
            }
        }

        int error = 0, size = sizeof(int);
        if (Calls.GetSockOpt(_fd, SolSocket, SoError, &error, &size) != 0)
        {
            throw Error(Marshal.GetLastSystemError());
        }

        if (error != 0)
        {
            throw Error(error);
        }
    }

    /// <summary>The C library's calls, looked up once.</summary>
    private static class Calls
    {
        public static readonly bool Available;
        public static readonly delegate* unmanaged<int, int, int, int> Socket;
        public static readonly delegate* unmanaged<int, byte*, int, int> Connect;
        public static readonly delegate* unmanaged<int, byte*, nuint, int, nint> Send;
        public static readonly delegate* unmanaged<int, byte*, nuint, int, nint> Recv;
        public static readonly delegate* unmanaged<int, int, int> Shutdown;
        public static readonly delegate* unmanaged<int, int> Close;
        public static readonly delegate* unmanaged<int, int, int, int*, int, int> SetSockOpt;
        public static readonly delegate* unmanaged<int, int, int, int*, int*, int> GetSockOpt;
        public static readonly delegate* unmanaged<int*, nuint, int, int> Poll;

#pragma warning disable CA1810 // one lookup of all the calls, or none of them used
        static Calls()
        {
            if (CLibrary.TryGetExport("socket", out var socket)
                && CLibrary.TryGetExport("connect", out var connect)
                && CLibrary.TryGetExport("send", out var send)
                && CLibrary.TryGetExport("recv", out var recv)
                && CLibrary.TryGetExport("shutdown", out var shutdown)
                && CLibrary.TryGetExport("close", out var close)
                && CLibrary.TryGetExport("setsockopt", out var setsockopt)
                && CLibrary.TryGetExport("getsockopt", out var getsockopt)
                && CLibrary.TryGetExport("poll", out var poll))
            {
                Socket = (delegate* unmanaged<int, int, int, int>)socket;
                Connect = (delegate* unmanaged<int, byte*, int, int>)connect;
                Send = (delegate* unmanaged<int, byte*, nuint, int, nint>)send;
                Recv = (delegate* unmanaged<int, byte*, nuint, int, nint>)recv;
                Shutdown = (delegate* unmanaged<int, int, int>)shutdown;
                Close = (delegate* unmanaged<int, int>)close;
                SetSockOpt = (delegate* unmanaged<int, int, int, int*, int, int>)setsockopt;
                GetSockOpt = (delegate* unmanaged<int, int, int, int*, int*, int>)getsockopt;
                Poll = (delegate* unmanaged<int*, nuint, int, int>)poll;
                Available = true;
            }
        }
#pragma warning restore CA1810
    }
}
