using System.Net;
using System.Net.Sockets;
using System.Text;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// The hostile-input table (tests/Portable.Functions.TestUtilities/HostileTable.cs) over real sockets to the HTTP host:
/// each row its 4xx problem without internals, and the next good request served; and what Kestrel refuses before the
/// library sees a request (absurdly long headers and request lines, CR/LF in a header).
/// </summary>
public sealed class HostileInputTests(StatusTableTests.Host host) : IClassFixture<StatusTableTests.Host>
{
    public static TheoryData<string> Rows() => new(HostileTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.Http)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task HostileInput_IsAnsweredWithItsStatus_WithoutInternals_AndTheNextRequestIsServed(string name)
    {
        var row = HostileTable.Cases.Single(c => c.Name == name);
        var good = HostileTable.Good(row.Function);

        using var response = await host.Running.Client.SendAsync(row.ToRequest(row.Path), TestContext.Current.CancellationToken);
        using var next = await host.Running.Client.SendAsync(good.ToRequest(good.Path), TestContext.Current.CancellationToken);

        Assert.Empty(row.Check(await StatusAnswer.ReadAsync(response)));
        Assert.Empty(good.Check(await StatusAnswer.ReadAsync(next)));
    }

    [Theory]
    [InlineData("header", 431)]
    [InlineData("query", 414)]
    [InlineData("newline", 400)]
    public async Task WhatTheServerRefuses_IsA4xxWithoutABody_AndTheHostKeepsServing(string what, int status)
    {
        var request = what switch
        {
            "header" => $"GET /http HTTP/1.1\r\nHost: x\r\nX-Long: {new string('h', 64 * 1024)}\r\n\r\n",
            "query" => $"GET /http?q={new string('q', 16 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n",
            _ => "GET /http HTTP/1.1\r\nHost: x\r\nX-Split: a\rInjected: b\r\n\r\n",
        };

        var answer = await RawAsync(request);
        using var next = await host.Running.Client.PostAsync("/typed", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Injected", answer, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task LongHeaderAndQueryWithinKestrelsLimits_ReachTheFunction()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/http?q=" + new string('q', 6 * 1024));
        request.Headers.Add("X-Long", new string('h', 24 * 1024));

        using var response = await host.Running.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Sends bytes no HttpClient would send, and reads the answer's head.</summary>
    private async Task<string> RawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host.Running.Address.Host, host.Running.Address.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
