using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// The input → status table of docs/architecture.md, row by row, through the generated entry points in both HTTP
/// programming models, serving what a new user writes (a plain serializer context, a function that reads
/// IConfiguration, a 401 middleware with a scoped dependency).
/// </summary>
public sealed class StatusTableTests : IAsyncDisposable
{
    private readonly TestWorker _worker = new(
        s => s.AddStatusTableFunctions().AddPortableFunctionsAzureFunctions(o => o.MaxRequestBodySize = StatusTable.BodyLimit),
        new Dictionary<string, string?> { [StatusTable.GreetingKey] = "Hi" });

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var row in StatusTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.AzureFunctions)))
        {
            rows.Add("AspNetCore", row.Name);
            rows.Add("HttpRequestData", row.Name);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Input_IsAnsweredAsTheTableSays(string model, string name)
    {
        var row = StatusTable.Cases.Single(c => c.Name == name);
        var context = _worker.NewContext(row.Function);

        var answer = model == "AspNetCore"
            ? await HttpInvocations.AspNetCoreAsync(context, row.Function, row.Method, "/api/" + row.Function, row.ContentType, row.Body, row.Headers)
            : await HttpInvocations.HttpRequestDataAsync(context, row.Function, row.Method, "/api/" + row.Function, row.ContentType, row.Body, row.Headers);

        Assert.Empty(answer.ToStatusAnswer().Check(row));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task NewUsersFunction_ReadsConfiguration_WritesCamelCase_AndGetsTheWorkersScope(string model)
    {
        var row = StatusTable.Cases[0];
        var first = _worker.NewContext("typed");
        var second = _worker.NewContext("typed");

        var answers = new List<HttpInvocations.Answer>();
        foreach (var context in (TestFunctionContext[])[first, second])
        {
            answers.Add(model == "AspNetCore"
                ? await HttpInvocations.AspNetCoreAsync(context, "typed", "POST", "/api/typed", row.ContentType, row.Body)
                : await HttpInvocations.HttpRequestDataAsync(context, "typed", "POST", "/api/typed", row.ContentType, row.Body));
        }

        Assert.Equal("""{"greeting":"Hi, Ada!"}""", answers[0].Body);
        // The invocation's scope is the worker's own InstanceServices: the middleware's scoped service is the one there.
        Assert.Equal(first.InstanceServices.GetService(typeof(StatusTable.InvocationScope)) is StatusTable.InvocationScope s1 ? s1.Id : null, answers[0].Headers[StatusTable.ScopeHeader]);
        Assert.NotEqual(answers[0].Headers[StatusTable.ScopeHeader], answers[1].Headers[StatusTable.ScopeHeader]);
    }

    public ValueTask DisposeAsync() => _worker.DisposeAsync();
}
