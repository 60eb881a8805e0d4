using System.Net;
using System.Net.Sockets;

namespace Portable.Functions.TestUtilities;

/// <summary>
/// Ports on the loopback interface for processes the tests start. A server in the test's own process binds port 0 and
/// reads the port it got; a process that must be told its port up front (<c>PORT</c>) is started through
/// <see cref="StartAsync{T}"/>, which tries another port when the one it picked was taken in between.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>Returns a port that was free a moment ago, for a server that must be told its port up front.</summary>
    /// <returns>The port.</returns>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts something on a free port; when it reports <see cref="PortInUseException"/> (another process took the port
    /// between <see cref="Free"/> and the bind), tries again on another port, up to <paramref name="attempts"/> times.
    /// </summary>
    /// <typeparam name="T">What <paramref name="start"/> returns.</typeparam>
    /// <param name="start">Starts on the given port; throws <see cref="PortInUseException"/> when the bind failed.</param>
    /// <param name="attempts">How many ports to try.</param>
    /// <returns>What <paramref name="start"/> returned.</returns>
    public static async Task<T> StartAsync<T>(Func<int, Task<T>> start, int attempts = 3)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Free()).ConfigureAwait(false);
            }
            catch (PortInUseException) when (attempt < attempts)
            {
                // Taken in between: another port.
            }
        }
    }

    /// <summary>Whether a server's output says it could not bind its port because it was taken.</summary>
    /// <param name="output">The process output.</param>
    /// <returns><see langword="true"/> when the port was in use.</returns>
    public static bool SaysPortInUse(string output) =>
        output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A process could not bind the port it was given: it was taken. Its message is the process output.</summary>
public sealed class PortInUseException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PortInUseException"/> class.</summary>
    public PortInUseException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PortInUseException"/> class.</summary>
    /// <param name="message">The process output.</param>
    public PortInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PortInUseException"/> class.</summary>
    /// <param name="message">The process output.</param>
    /// <param name="innerException">The cause.</param>
    public PortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
