using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.TestUtilities;

/// <summary>The hosts a row of the status table applies to.</summary>
[Flags]
public enum StatusHosts
{
    /// <summary>The HTTP host.</summary>
    Http = 1,

    /// <summary>The Functions Framework host (one target per process, every path).</summary>
    GoogleCloudFunctions = 2,

    /// <summary>AWS Lambda's HTTP shapes (API Gateway REST and HTTP APIs, Function URLs, ALB).</summary>
    AwsLambda = 4,

    /// <summary>Azure Functions HTTP triggers, in both programming models.</summary>
    AzureFunctions = 8,

    /// <summary>Every host.</summary>
    All = Http | GoogleCloudFunctions | AwsLambda | AzureFunctions,

    /// <summary>The hosts that speak CloudEvents over HTTP and limit bodies themselves.</summary>
    AspNetCore = Http | GoogleCloudFunctions | AzureFunctions,
}

/// <summary>One row of the table: an input and the status every host it applies to must answer with.</summary>
/// <param name="Name">A short name for the row.</param>
/// <param name="Function">The function: <c>typed</c>, <c>event</c> or <c>http</c>.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="ContentType">The <c>Content-Type</c>, or <see langword="null"/>.</param>
/// <param name="Body">The body.</param>
/// <param name="Status">The status every host answers with.</param>
/// <param name="Hosts">The hosts the row applies to.</param>
/// <param name="Headers">More request headers (CloudEvents <c>ce-</c> headers, <c>X-Deny</c>).</param>
public sealed record StatusCase(string Name, string Function, string Method, string? ContentType, string Body, int Status, StatusHosts Hosts, params (string Name, string Value)[] Headers)
{
    /// <summary>Gets the path the row is sent to on hosts that route by function name.</summary>
    public string Path => Function == "unknown" ? "/no-such-function" : "/" + Function;

    /// <summary>Builds the row's request for an HTTP host.</summary>
    /// <param name="path">The path to send it to.</param>
    /// <returns>The request.</returns>
    public HttpRequestMessage ToRequest(string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), path);
        if (ContentType is not null || Body.Length > 0)
        {
            request.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Body));
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// The input → status table of docs/architecture.md, and the functions it runs against: what a new user writes —
/// a plain <see cref="JsonSerializerContext"/>, a function that takes <see cref="IConfiguration"/>, a middleware with a
/// scoped dependency that answers 401 before the input is bound. Every host's test project runs the whole table.
/// </summary>
public static class StatusTable
{
    /// <summary>The body limit the hosts under test are configured with.</summary>
    public const long BodyLimit = 4096;

    /// <summary>The request header that makes <see cref="Guard"/> answer 401.</summary>
    public const string DenyHeader = "X-Deny";

    /// <summary>The response header with the id of the invocation's scoped service, to prove a new one per invocation.</summary>
    public const string ScopeHeader = "X-Invocation-Scope";

    /// <summary>The configuration key the typed function reads its greeting from.</summary>
    public const string GreetingKey = "Greeting:Prefix";

    private static readonly (string, string)[] CloudEventHeaders = [("ce-specversion", "1.0"), ("ce-id", "e-1"), ("ce-source", "//tests"), ("ce-type", "com.example.table")];

    /// <summary>Gets the rows.</summary>
    public static IReadOnlyList<StatusCase> Cases { get; } =
    [
        new("typed: valid JSON", "typed", "POST", "application/json", """{"name":"Ada"}""", 200, StatusHosts.All),
        new("typed: PascalCase member names bind too", "typed", "POST", "application/json", """{"Name":"Ada"}""", 200, StatusHosts.All),
        new("typed: curl's default media type", "typed", "POST", "application/x-www-form-urlencoded", """{"name":"Ada"}""", 200, StatusHosts.All),
        new("typed: the function's validation problem", "typed", "POST", "application/json", """{"name":" "}""", 400, StatusHosts.All),
        new("typed: body that is not JSON", "typed", "POST", "application/json", """{"name":""", 400, StatusHosts.All),
        new("typed: JSON of the wrong shape", "typed", "POST", "application/json", """{"name":5}""", 400, StatusHosts.All),
        new("typed: empty body", "typed", "POST", "application/json", "", 400, StatusHosts.All),
        new("typed: JSON null", "typed", "POST", "application/json", "null", 400, StatusHosts.All),
        new("typed: a media type that is not JSON", "typed", "POST", "application/xml", "<name>Ada</name>", 415, StatusHosts.All),
        new("typed: GET", "typed", "GET", null, "", 405, StatusHosts.All),
        new("typed: the function throws", "typed", "POST", "application/json", """{"name":"boom"}""", 500, StatusHosts.All),
        new("typed: the function answers a problem", "typed", "POST", "application/json", """{"name":"conflict"}""", 409, StatusHosts.All),
        new("typed: middleware refuses before a malformed body is bound", "typed", "POST", "application/json", """{"name":""", 401, StatusHosts.All, (DenyHeader, "1")),
        new("typed: middleware refuses before a GET is refused", "typed", "GET", null, "", 401, StatusHosts.All, (DenyHeader, "1")),
        new("typed: body over the limit", "typed", "POST", "application/json", "{\"name\":\"" + new string('a', (int)BodyLimit) + "\"}", 413, StatusHosts.AspNetCore),
        new("event: plain JSON", "event", "POST", "application/json", """{"name":"Ada"}""", 204, StatusHosts.All),
        new("event: plain body that is not JSON", "event", "POST", "application/json", """{"name":""", 400, StatusHosts.All),
        new("event: plain body of another media type", "event", "POST", "text/csv", "name\nAda", 415, StatusHosts.All),
        new("event: plain body without data", "event", "POST", "application/json", "", 400, StatusHosts.All),
        new("event: data of the wrong shape", "event", "POST", "application/json", """{"name":[]}""", 400, StatusHosts.All),
        new("event: GET", "event", "GET", null, "", 405, StatusHosts.All),
        new("event: the function throws", "event", "POST", "application/json", """{"name":"boom"}""", 500, StatusHosts.All),
        new("event: middleware refuses", "event", "POST", "application/json", """{"name":"Ada"}""", 401, StatusHosts.All, (DenyHeader, "1")),
        new("event: binary-mode CloudEvent", "event", "POST", "application/json", """{"name":"Ada"}""", 204, StatusHosts.AspNetCore, CloudEventHeaders),
        new("event: binary-mode CloudEvent without an id", "event", "POST", "application/json", """{"name":"Ada"}""", 400, StatusHosts.AspNetCore, [.. CloudEventHeaders.Where(h => h.Item1 != "ce-id")]),
        new("event: binary-mode CloudEvent whose data does not bind", "event", "POST", "application/json", """{"name":""", 400, StatusHosts.AspNetCore, CloudEventHeaders),
        new("event: structured-mode CloudEvent", "event", "POST", "application/cloudevents+json", """{"specversion":"1.0","id":"e-2","source":"//tests","type":"t","data":{"name":"Ada"}}""", 204, StatusHosts.AspNetCore),
        new("event: structured-mode CloudEvent that is not JSON", "event", "POST", "application/cloudevents+json", """{"specversion":""", 400, StatusHosts.AspNetCore),
        new("event: structured-mode CloudEvent whose function throws", "event", "POST", "application/cloudevents+json", """{"specversion":"1.0","id":"e-3","source":"//tests","type":"t","data":{"name":"boom"}}""", 500, StatusHosts.AspNetCore),
        new("event: body over the limit", "event", "POST", "application/json", "{\"name\":\"" + new string('a', (int)BodyLimit) + "\"}", 413, StatusHosts.AspNetCore),
        new("http: any method", "http", "PUT", "text/plain", "anything", 200, StatusHosts.All),
        new("http: the function throws", "http", "POST", "text/plain", "boom", 500, StatusHosts.All),
        new("http: middleware refuses", "http", "GET", null, "", 401, StatusHosts.All, (DenyHeader, "1")),
        new("unknown route", "unknown", "POST", "application/json", "{}", 404, StatusHosts.Http),
    ];

    /// <summary>Registers the table's functions (<c>typed</c>, <c>event</c>, <c>http</c>), its middleware and its serializer context.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddStatusTableFunctions(this IServiceCollection services)
    {
        services.AddScoped<InvocationScope>();
        return services.AddPortableFunctions(f => f
            .AddFunction<TableGreet, TableRequest, TableResponse>("typed")
            .AddEventFunction<TableEvent, TableRequest>("event")
            .AddHttpFunction<TableHttp>("http")
            .UseMiddleware<Guard>()
            .UseJsonContext(TableJsonContext.Default));
    }

    /// <summary>The table's request and event data.</summary>
    /// <param name="Name">The name to greet; <c>boom</c> fails, <c>conflict</c> answers 409, blank is invalid.</param>
    public sealed record TableRequest(string Name);

    /// <summary>The typed function's response.</summary>
    /// <param name="Greeting">The greeting.</param>
    public sealed record TableResponse(string Greeting);

    /// <summary>A scoped service: one per invocation.</summary>
    public sealed class InvocationScope
    {
        /// <summary>Gets the instance's id.</summary>
        public string Id { get; } = Guid.NewGuid().ToString("N");
    }

    /// <summary>Answers 401 when the request carries <see cref="DenyHeader"/>; marks every response with its scoped service's id.</summary>
    /// <param name="scope">The invocation's scoped service.</param>
    public sealed class Guard(InvocationScope scope) : IFunctionMiddleware
    {
        /// <inheritdoc/>
        public Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(next);
            context.Http?.ResponseHeaders[ScopeHeader] = scope.Id;
            if (context.Http?.Request.GetHeader(DenyHeader) is not null)
            {
                context.Http.ResponseHeaders["WWW-Authenticate"] = "Bearer";
                throw new FunctionProblemException(401, "Unauthorized", "A bearer token is required.");
            }

            return next(context);
        }
    }

    /// <summary>Greets with the configured prefix.</summary>
    /// <param name="configuration">The host's configuration.</param>
    public sealed class TableGreet(IConfiguration configuration) : IFunction<TableRequest, TableResponse>
    {
        /// <inheritdoc/>
        public Task<TableResponse> HandleAsync(TableRequest request, FunctionContext context, CancellationToken cancellationToken) => request.Name switch
        {
            "boom" => throw new InvalidOperationException("secret internal detail"),
            "conflict" => throw new FunctionProblemException(409, "Conflict", "Ada is already greeted."),
            _ when string.IsNullOrWhiteSpace(request.Name) => throw FunctionProblemException.Validation("name", "The name field is required."),
            _ => Task.FromResult(new TableResponse($"{configuration[GreetingKey] ?? "Hello"}, {request.Name}!")),
        };
    }

    /// <summary>Accepts an event; <c>boom</c> fails.</summary>
    public sealed class TableEvent : IEventFunction<TableRequest>
    {
        /// <inheritdoc/>
        public Task HandleAsync(FunctionEvent<TableRequest> functionEvent, FunctionContext context, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(functionEvent);
            return functionEvent.Data.Name == "boom" ? throw new InvalidOperationException("secret internal detail") : Task.CompletedTask;
        }
    }

    /// <summary>Answers 200; a body of <c>boom</c> fails.</summary>
    public sealed class TableHttp : IHttpFunction
    {
        /// <inheritdoc/>
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            return request.Body.Span.SequenceEqual("boom"u8)
                ? throw new InvalidOperationException("secret internal detail")
                : Task.FromResult(FunctionHttpResponse.Text("ok"));
        }
    }
}

/// <summary>What a new user writes: a context without options (read and written with the web defaults).</summary>
[JsonSerializable(typeof(StatusTable.TableRequest))]
[JsonSerializable(typeof(StatusTable.TableResponse))]
internal sealed partial class TableJsonContext : JsonSerializerContext;

/// <summary>What a host answered to one row, in HTTP terms.</summary>
/// <param name="Status">The status code.</param>
/// <param name="ContentType">The <c>Content-Type</c>, or <see langword="null"/>.</param>
/// <param name="Body">The body as text.</param>
/// <param name="Header">Reads a response header.</param>
public sealed record StatusAnswer(int Status, string? ContentType, string Body, Func<string, string?> Header)
{
    /// <summary>Reads an HTTP host's answer.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The answer.</returns>
    public static async Task<StatusAnswer> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return new StatusAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body, name =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null);
    }

    /// <summary>Lists how the answer breaks the table's rules for <paramref name="row"/>; empty when it keeps them all.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The broken rules.</returns>
    public IReadOnlyList<string> Check(StatusCase row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var broken = new List<string>();
        if (Status != row.Status)
        {
            broken.Add($"status {Status}, not {row.Status}: {Body}");
        }

        if (row.Status >= 400)
        {
            if (ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) != true)
            {
                broken.Add($"content type '{ContentType}', not application/problem+json");
            }

            if (!Body.Contains("\"invocationId\":\"", StringComparison.Ordinal) && !Body.Contains("\"invocationId\": \"", StringComparison.Ordinal))
            {
                broken.Add("no invocationId in the problem: " + Body);
            }

            foreach (var leak in (string[])["secret", "Exception", "   at ", ":line "])
            {
                if (Body.Contains(leak, StringComparison.Ordinal))
                {
                    broken.Add($"the problem shows '{leak}': {Body}");
                }
            }
        }

        if (row.Status == 401 && Header("WWW-Authenticate") != "Bearer")
        {
            broken.Add($"WWW-Authenticate is '{Header("WWW-Authenticate")}', not Bearer");
        }

        if (row.Status == 405 && Header("Allow") != "POST")
        {
            broken.Add($"Allow is '{Header("Allow")}', not POST");
        }

        if (row.Status is 200 or 204 && string.IsNullOrEmpty(Header(StatusTable.ScopeHeader)))
        {
            broken.Add("the middleware's header is missing from a success");
        }

        return broken;
    }
}
