using System.Text;
using System.Text.Json.Nodes;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// The input → status table of docs/architecture.md, row by row, through the real Lambda loop against a loopback
/// Runtime API — one runtime per function, as Lambda runs them — in each HTTP shape AWS delivers: API Gateway HTTP API
/// (and Function URL) payload 2.0, REST API payload 1.0, and ALB. Rows of CloudEvents and body limits belong to the
/// hosts that read them; on Lambda the platform itself limits bodies.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class StatusTableTests(StatusTableTests.Runtimes runtimes) : IClassFixture<StatusTableTests.Runtimes>
{
    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var row in StatusTable.Cases.Where(c => c.Hosts.HasFlag(StatusHosts.AwsLambda)))
        {
            foreach (var shape in (string[])["http-api", "rest", "alb"])
            {
                rows.Add(shape, row.Name);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Input_IsAnsweredAsTheTableSays(string shape, string name)
    {
        var row = StatusTable.Cases.Single(c => c.Name == name);
        var server = runtimes.Targets[row.Function].Server;

        var result = await server.ResultAsync(server.Enqueue(Event(shape, row)));

        Assert.Equal("response", result.Kind);
        Assert.Empty(Read(result.Body).Check(row));
    }

    [Fact]
    public async Task NewUsersFunction_ReadsConfiguration_WritesCamelCase_AndGetsAScopePerInvocation()
    {
        var server = runtimes.Targets["typed"].Server;
        var row = StatusTable.Cases[0];

        var first = Read((await server.ResultAsync(server.Enqueue(Event("http-api", row)))).Body);
        var second = Read((await server.ResultAsync(server.Enqueue(Event("http-api", row)))).Body);

        Assert.Equal("""{"greeting":"Hi, Ada!"}""", first.Body);
        Assert.NotEqual(first.Header(StatusTable.ScopeHeader), second.Header(StatusTable.ScopeHeader));
    }

    /// <summary>The row as the event of one HTTP shape, built as the AWS documentation describes each.</summary>
    private static string Event(string shape, StatusCase row)
    {
        var headers = new JsonObject();
        if (row.ContentType is not null)
        {
            headers[shape == "rest" ? "Content-Type" : "content-type"] = row.ContentType;
        }

        foreach (var (name, value) in row.Headers)
        {
            headers[shape == "rest" ? name : name.ToLowerInvariant()] = value;
        }

        var body = row.Body.Length == 0 ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(row.Body));
        JsonObject node = shape switch
        {
            "http-api" => new JsonObject
            {
                ["version"] = "2.0",
                ["routeKey"] = "$default",
                ["rawPath"] = row.Path,
                ["rawQueryString"] = "",
                ["headers"] = headers,
                ["requestContext"] = new JsonObject
                {
                    ["accountId"] = "210987654321",
                    ["apiId"] = "t4b1",
                    ["http"] = new JsonObject { ["method"] = row.Method, ["path"] = row.Path, ["protocol"] = "HTTP/1.1", ["sourceIp"] = "203.0.113.9", ["userAgent"] = "table" },
                    ["requestId"] = "r-1",
                    ["routeKey"] = "$default",
                    ["stage"] = "$default",
                    ["timeEpoch"] = 1767225600000,
                },
            },
            "rest" => new JsonObject
            {
                ["resource"] = "/{proxy+}",
                ["path"] = row.Path,
                ["httpMethod"] = row.Method,
                ["headers"] = headers,
                ["multiValueHeaders"] = MultiValue(headers),
                ["queryStringParameters"] = null,
                ["multiValueQueryStringParameters"] = null,
                ["requestContext"] = new JsonObject
                {
                    ["accountId"] = "210987654321",
                    ["resourcePath"] = "/{proxy+}",
                    ["httpMethod"] = row.Method,
                    ["requestId"] = "r-2",
                    ["stage"] = "prod",
                    ["identity"] = new JsonObject { ["sourceIp"] = "198.51.100.23" },
                },
            },
            _ => new JsonObject
            {
                ["requestContext"] = new JsonObject { ["elb"] = new JsonObject { ["targetGroupArn"] = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/table/6d0ecf831eec9f09" } },
                ["httpMethod"] = row.Method,
                ["path"] = row.Path,
                ["queryStringParameters"] = new JsonObject(),
                ["headers"] = headers,
            },
        };
        node["body"] = body;
        node["isBase64Encoded"] = body is not null;
        return node.ToJsonString();
    }

    private static JsonObject MultiValue(JsonObject headers)
    {
        var multi = new JsonObject();
        foreach (var (name, value) in headers)
        {
            multi[name] = new JsonArray(value!.GetValue<string>());
        }

        return multi;
    }

    /// <summary>The HTTP answer inside a Lambda HTTP response: <c>statusCode</c>, (multi-value) headers, a body that may be base64.</summary>
    private static StatusAnswer Read(string payload)
    {
        var response = JsonNode.Parse(payload)!.AsObject();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (response["headers"] is JsonObject single)
        {
            foreach (var (name, value) in single)
            {
                headers[name] = value!.GetValue<string>();
            }
        }

        if (response["multiValueHeaders"] is JsonObject multi)
        {
            foreach (var (name, values) in multi)
            {
                headers[name] = string.Join(",", values!.AsArray().Select(v => v!.GetValue<string>()));
            }
        }

        var body = response["body"]?.GetValue<string>() ?? string.Empty;
        if (response["isBase64Encoded"]?.GetValue<bool>() == true)
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        return new StatusAnswer(response["statusCode"]!.GetValue<int>(), headers.GetValueOrDefault("Content-Type"), body, name => headers.GetValueOrDefault(name));
    }

    public sealed class Runtimes : IAsyncLifetime
    {
        public Dictionary<string, RunningRuntime> Targets { get; } = [];

        public async ValueTask InitializeAsync()
        {
            foreach (var target in (string[])["typed", "event", "http"])
            {
                Targets[target] = await RunningRuntime.StartAsync(
                    s => s.AddStatusTableFunctions(), handler: target, environment: new Dictionary<string, string> { [StatusTable.GreetingKey] = "Hi" });
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var runtime in Targets.Values)
            {
                await runtime.DisposeAsync();
            }
        }
    }
}

/// <summary>Test classes that run the Lambda loop in this process run one after another: the loop sets the process-wide <c>_X_AMZN_TRACE_ID</c>.</summary>
[CollectionDefinition(Name)]
public sealed class LambdaRuntimeCollection
{
    public const string Name = "Lambda runtime in process";
}
