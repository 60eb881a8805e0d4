using System.Net;
using System.Net.Sockets;

namespace Portable.Functions.TestUtilities;

/// <summary>Ports on the loopback interface for servers and processes the tests start.</summary>
public static class LoopbackPorts
{
    /// <summary>Returns a port that was free a moment ago, for a server that must be told its port up front.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
