using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// The hostile-input table (tests/Portable.Functions.TestUtilities/HostileTable.cs) through the generated entry points in
/// both HTTP programming models: each row its 4xx problem without internals, and the next good request served.
/// </summary>
public sealed class HostileInputTests : IAsyncDisposable
{
    private readonly TestWorker _worker = new(
        s => s.AddStatusTableFunctions().AddPortableFunctionsAzureFunctions(o => o.MaxRequestBodySize = StatusTable.BodyLimit),
        new Dictionary<string, string?>());

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var row in HostileTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.AzureFunctions)))
        {
            rows.Add("AspNetCore", row.Name);
            rows.Add("HttpRequestData", row.Name);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task HostileInput_IsAnsweredWithItsStatus_WithoutInternals_AndTheNextRequestIsServed(string model, string name)
    {
        var row = HostileTable.Cases.Single(c => c.Name == name);
        var good = HostileTable.Good(row.Function);

        var answer = await SendAsync(model, row);
        var next = await SendAsync(model, good);

        Assert.Empty(row.Check(answer));
        Assert.Empty(good.Check(next));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task LongHeaderAndQuery_ReachTheFunction(string model)
    {
        var context = _worker.NewContext("http");
        var path = "/api/http?q=" + new string('q', 16 * 1024);
        var header = ("X-Long", new string('h', 64 * 1024));

        var answer = model == "AspNetCore"
            ? await HttpInvocations.AspNetCoreAsync(context, "http", "GET", path, null, [], header)
            : await HttpInvocations.HttpRequestDataAsync(context, "http", "GET", path, null, [], header);

        Assert.Equal(200, answer.Status);
    }

    private Task<HttpInvocations.Answer> SendAsync(string model, HostileCase row)
    {
        var context = _worker.NewContext(row.Function);
        return model == "AspNetCore"
            ? HttpInvocations.AspNetCoreAsync(context, row.Function, row.Method, "/api/" + row.Function, row.ContentType, row.Body, row.Headers)
            : HttpInvocations.HttpRequestDataAsync(context, row.Function, row.Method, "/api/" + row.Function, row.ContentType, row.Body, row.Headers);
    }

    public ValueTask DisposeAsync() => _worker.DisposeAsync();
}

internal static class HostileCaseExtensions
{
    public static IReadOnlyList<string> Check(this HostileCase row, HttpInvocations.Answer answer) => row.Check(answer.ToStatusAnswer());
}
