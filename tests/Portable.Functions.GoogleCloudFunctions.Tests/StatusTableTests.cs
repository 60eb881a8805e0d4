using Portable.Functions.TestUtilities;

namespace Portable.Functions.GoogleCloudFunctions.Tests;

/// <summary>
/// The input → status table of docs/architecture.md, row by row, over real sockets to the Functions Framework host —
/// one host per target, as the contract runs them — serving what a new user writes.
/// </summary>
public sealed class StatusTableTests(StatusTableTests.Hosts hosts) : IClassFixture<StatusTableTests.Hosts>
{
    public static TheoryData<string> Rows() => new(StatusTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.GoogleCloudFunctions)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Input_IsAnsweredAsTheTableSays(string name)
    {
        var row = StatusTable.Cases.Single(c => c.Name == name);

        using var response = await hosts.Targets[row.Function].Client.SendAsync(row.ToRequest("/any/path"), TestContext.Current.CancellationToken);

        Assert.Empty((await StatusAnswer.ReadAsync(response)).Check(row));
    }

    [Fact]
    public async Task NewUsersFunction_ReadsConfiguration_WritesCamelCase_AndGetsAScopePerInvocation()
    {
        var row = StatusTable.Cases[0];
        var client = hosts.Targets["typed"].Client;

        using var first = await client.SendAsync(row.ToRequest("/"), TestContext.Current.CancellationToken);
        using var second = await client.SendAsync(row.ToRequest("/"), TestContext.Current.CancellationToken);

        Assert.Equal("""{"greeting":"Hi, Ada!"}""", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.NotEqual(first.Headers.GetValues(StatusTable.ScopeHeader).Single(), second.Headers.GetValues(StatusTable.ScopeHeader).Single());
    }

    public sealed class Hosts : IAsyncLifetime
    {
        public Dictionary<string, RunningGcfHost> Targets { get; } = [];

        public async ValueTask InitializeAsync()
        {
            foreach (var target in (string[])["typed", "event", "http"])
            {
                Targets[target] = await RunningGcfHost.StartAsync(
                    s => s.AddStatusTableFunctions(),
                    target,
                    o => o.MaxRequestBodySize = StatusTable.BodyLimit,
                    new Dictionary<string, string?> { [StatusTable.GreetingKey] = "Hi" });
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in Targets.Values)
            {
                await host.DisposeAsync();
            }
        }
    }
}
