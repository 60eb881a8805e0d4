using Portable.Functions.TestUtilities;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// The input → status table of docs/architecture.md, row by row, over real sockets to the HTTP host serving what a new
/// user writes: a plain serializer context, a function that reads IConfiguration, a 401 middleware with a scoped
/// dependency.
/// </summary>
public sealed class StatusTableTests(StatusTableTests.Host host) : IClassFixture<StatusTableTests.Host>
{
    public static TheoryData<string> Rows() => new(StatusTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.Http)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Input_IsAnsweredAsTheTableSays(string name)
    {
        var row = StatusTable.Cases.Single(c => c.Name == name);

        using var response = await host.Running.Client.SendAsync(row.ToRequest(row.Path), TestContext.Current.CancellationToken);

        Assert.Empty((await StatusAnswer.ReadAsync(response)).Check(row));
    }

    [Fact]
    public async Task NewUsersFunction_ReadsConfiguration_WritesCamelCase_AndGetsAScopePerInvocation()
    {
        var row = StatusTable.Cases[0];

        using var first = await host.Running.Client.SendAsync(row.ToRequest("/typed"), TestContext.Current.CancellationToken);
        using var second = await host.Running.Client.SendAsync(row.ToRequest("/typed"), TestContext.Current.CancellationToken);

        Assert.Equal("""{"greeting":"Hi, Ada!"}""", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.NotEqual(first.Headers.GetValues(StatusTable.ScopeHeader).Single(), second.Headers.GetValues(StatusTable.ScopeHeader).Single());
    }

    public sealed class Host : IAsyncLifetime
    {
        public RunningHost Running { get; private set; } = null!;

        public async ValueTask InitializeAsync() =>
            Running = await RunningHost.StartAsync(
                s => s.AddStatusTableFunctions(),
                o => o.MaxRequestBodySize = StatusTable.BodyLimit,
                new Dictionary<string, string?> { [StatusTable.GreetingKey] = "Hi" });

        public ValueTask DisposeAsync() => Running.DisposeAsync();
    }
}
