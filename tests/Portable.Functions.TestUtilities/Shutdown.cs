using System.Net.Http;

namespace Portable.Functions.TestUtilities;

/// <summary>Checks of a host that is shutting down.</summary>
public static class Shutdown
{
    /// <summary>
    /// Completes once a new connection to <paramref name="address"/> is refused (the host stopped listening); throws
    /// when it is still accepted after a bounded number of tries. Each try is a fresh client, so no pooled connection
    /// is reused. A try that is accepted meanwhile (the listener not yet closed) must not be answered by the function:
    /// <paramref name="path"/> should name nothing that blocks.
    /// </summary>
    /// <param name="address">The host's base address.</param>
    /// <param name="path">What each try asks for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task NewConnectionsRefusedAsync(Uri address, string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                using var response = await client.GetAsync(new Uri(address, path), cancellationToken);
            }
            catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConnectionError)
            {
                return;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Accepted by a listener that was closing; try again.
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new InvalidOperationException($"{address} still accepts new connections after shutdown began.");
    }
}
