using System.Text;

namespace Portable.Functions.TestUtilities;

/// <summary>
/// One hostile input: raw bytes (so that invalid UTF-8 can be sent), the status every host it applies to answers with,
/// and the same rules as the status table — a problem+json with an invocation id and nothing internal.
/// </summary>
/// <param name="Name">A short name for the row.</param>
/// <param name="Function">The status table's function: <c>typed</c>, <c>event</c> or <c>http</c>.</param>
/// <param name="ContentType">The <c>Content-Type</c>, or <see langword="null"/>.</param>
/// <param name="Body">The body's bytes.</param>
/// <param name="Status">The status every host answers with.</param>
/// <param name="Hosts">The hosts the row applies to.</param>
/// <param name="Headers">More request headers.</param>
public sealed record HostileCase(string Name, string Function, string? ContentType, byte[] Body, int Status, StatusHosts Hosts, params (string Name, string Value)[] Headers)
{
    /// <summary>Gets the method: always <c>POST</c>.</summary>
    public string Method => "POST";

    /// <summary>Gets the path the row is sent to on hosts that route by function name.</summary>
    public string Path => "/" + Function;

    /// <summary>Builds the row's request for an HTTP host.</summary>
    /// <param name="path">The path to send it to.</param>
    /// <returns>The request.</returns>
    public HttpRequestMessage ToRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Body) };
        if (ContentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Lists how an answer breaks the rules for this row: the status table's, and no .NET type or namespace in a problem.</summary>
    /// <param name="answer">The answer.</param>
    /// <returns>The broken rules; empty when it keeps them all.</returns>
    public IReadOnlyList<string> Check(StatusAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var broken = new List<string>(answer.Check(new StatusCase(Name, Function, Method, ContentType, string.Empty, Status, Hosts, Headers)));
        if (Status >= 400)
        {
            foreach (var leak in HostileTable.Leaks)
            {
                if (answer.Body.Contains(leak, StringComparison.Ordinal))
                {
                    broken.Add($"the problem shows '{leak}': {answer.Body}");
                }
            }
        }

        return broken;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Hostile input for every adapter, run against the status table's functions (<see cref="StatusTable"/>, with its
/// <see cref="StatusTable.BodyLimit"/>): malformed and truncated JSON, wrong types, nesting past the reader's depth,
/// huge strings, invalid UTF-8 and UTF-16, wrong content types, bodies over the limit, CloudEvents with missing or
/// malformed attributes. Each row is answered with its 4xx (never a 500 for a client's mistake), as a problem without
/// internals; every host's test then checks that the next good request is served.
/// </summary>
public static class HostileTable
{
    /// <summary>Text that must never appear in a problem: exception and .NET type names, stack frames.</summary>
    public static IReadOnlyList<string> Leaks { get; } = ["secret", "Exception", "   at ", ":line ", "System.", "Portable.Functions.", "Microsoft."];

    private static readonly (string, string)[] CloudEvent = [("ce-specversion", "1.0"), ("ce-id", "h-1"), ("ce-source", "//hostile"), ("ce-type", "com.example.hostile")];

    /// <summary>Gets the rows.</summary>
    public static IReadOnlyList<HostileCase> Cases { get; } =
    [
        Row("typed: truncated JSON", "typed", "application/json", """{"name":"Ad""", 400),
        Row("typed: truncated inside an escape", "typed", "application/json", """{"name":"\u00""", 400),
        Row("typed: trailing garbage after the object", "typed", "application/json", """{"name":"Ada"} x""", 400),
        Row("typed: a comment", "typed", "application/json", """{"name":"Ada" /* hi */}""", 400),
        Row("typed: an array instead of an object", "typed", "application/json", """[{"name":"Ada"}]""", 400),
        Row("typed: a string instead of an object", "typed", "application/json", "\"Ada\"", 400),
        Row("typed: a number instead of an object", "typed", "application/json", "42", 400),
        Row("typed: an object where a string is expected", "typed", "application/json", """{"name":{"first":"Ada"}}""", 400),
        Row("typed: a required member missing", "typed", "application/json", """{"nom":"Ada"}""", 400),
        Row("typed: null for a non-nullable member", "typed", "application/json", """{"name":null}""", 400),
        Row("typed: nesting past the reader's maximum depth", "typed", "application/json", "{\"name\":\"Ada\",\"x\":" + new string('[', 100) + new string(']', 100) + "}", 400),
        Row("typed: a huge string within the limit", "typed", "application/json", "{\"name\":\"" + new string('a', (int)StatusTable.BodyLimit - 20) + "\"}", 200),
        Row("typed: a huge string over the limit", "typed", "application/json", "{\"name\":\"" + new string('a', 1024 * 1024) + "\"}", 413, StatusHosts.AspNetCore),
        new("typed: invalid UTF-8", "typed", "application/json", [.. "{\"name\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8], 400, StatusHosts.All),
        Row("typed: a lone UTF-16 surrogate escape", "typed", "application/json", """{"name":"\uD800"}""", 400),
        Row("typed: no content type", "typed", null, """{"name":"Ada"}""", 200),
        Row("typed: HTML", "typed", "text/html", """{"name":"Ada"}""", 415),
        Row("typed: a multipart form", "typed", "multipart/form-data; boundary=x", "--x\r\n\r\nAda\r\n--x--", 415),
        Row("typed: a content type that does not parse", "typed", ";;;===", """{"name":"Ada"}""", 415),
        Row("event: truncated JSON data", "event", "application/json", """{"name":""", 400),
        new("event: invalid UTF-8 bytes", "event", "application/json", [.. "{\"name\":\""u8, 0xFF, .. "\"}"u8], 400, StatusHosts.All),
        Row("event: a required member missing", "event", "application/json", "{}", 400),
        Row("event: data over the limit", "event", "application/json", "{\"name\":\"" + new string('a', 1024 * 1024) + "\"}", 413, StatusHosts.AspNetCore),
        Row("event: binary CloudEvent with a time that is not a time", "event", "application/json", """{"name":"Ada"}""", 400, StatusHosts.AspNetCore, [.. CloudEvent, ("ce-time", "yesterday")]),
        Row("event: binary CloudEvent of an unknown specversion", "event", "application/json", """{"name":"Ada"}""", 400, StatusHosts.AspNetCore, [.. CloudEvent.Where(h => h.Item1 != "ce-specversion"), ("ce-specversion", "9.9")]),
        Row("event: binary CloudEvent without a source", "event", "application/json", """{"name":"Ada"}""", 400, StatusHosts.AspNetCore, [.. CloudEvent.Where(h => h.Item1 != "ce-source")]),
        Row("event: binary CloudEvent with an empty type", "event", "application/json", """{"name":"Ada"}""", 400, StatusHosts.AspNetCore, [.. CloudEvent.Where(h => h.Item1 != "ce-type"), ("ce-type", "")]),
        Row("event: binary CloudEvent with an invalid extension name", "event", "application/json", """{"name":"Ada"}""", 400, StatusHosts.AspNetCore, [.. CloudEvent, ("ce-bad_name", "x")]),
        Row("event: binary CloudEvent whose data does not bind", "event", "application/json", """{"name":5}""", 400, StatusHosts.AspNetCore, CloudEvent),
        Row("event: structured CloudEvent with a time that is not a time", "event", "application/cloudevents+json", """{"specversion":"1.0","id":"h-2","source":"//hostile","type":"t","time":"nope","data":{"name":"Ada"}}""", 400, StatusHosts.AspNetCore),
        Row("event: structured CloudEvent without a source", "event", "application/cloudevents+json", """{"specversion":"1.0","id":"h-3","type":"t","data":{"name":"Ada"}}""", 400, StatusHosts.AspNetCore),
        Row("event: structured CloudEvent with an id that is a number", "event", "application/cloudevents+json", """{"specversion":"1.0","id":5,"source":"//hostile","type":"t","data":{"name":"Ada"}}""", 400, StatusHosts.AspNetCore),
        Row("event: structured CloudEvent that is an array", "event", "application/cloudevents+json", """[{"specversion":"1.0"}]""", 400, StatusHosts.AspNetCore),
        Row("event: structured CloudEvent with invalid base64 data", "event", "application/cloudevents+json", """{"specversion":"1.0","id":"h-4","source":"//hostile","type":"t","data_base64":"%%%"}""", 400, StatusHosts.AspNetCore),
        Row("event: structured CloudEvent nested past the maximum depth", "event", "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"h-5\",\"source\":\"//h\",\"type\":\"t\",\"data\":" + new string('[', 100) + new string(']', 100) + "}", 400, StatusHosts.AspNetCore),
        Row("event: structured CloudEvent with a malformed content type", "event", "application/cloudevents+json; charset=\"", """{"specversion":"1.0","id":"h-6","source":"//hostile","type":"t","data":{"name":"Ada"}}""", 400, StatusHosts.AspNetCore),
        Row("event: a batch that is not an array", "event", "application/cloudevents-batch+json", """{"specversion":"1.0"}""", 400, StatusHosts.AspNetCore),
        Row("event: an empty batch", "event", "application/cloudevents-batch+json", "[]", 400, StatusHosts.AspNetCore),
        Row("event: a batch holding something that is not an event", "event", "application/cloudevents-batch+json", "[42]", 400, StatusHosts.AspNetCore),
    ];

    /// <summary>A good request for each function, sent after the hostile ones: the host must still serve it.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The row.</returns>
    public static HostileCase Good(string function) => function == "typed"
        ? Row("typed: good", "typed", "application/json", """{"name":"Ada"}""", 200)
        : Row("event: good", "event", "application/json", """{"name":"Ada"}""", 204);

    private static HostileCase Row(string name, string function, string? contentType, string body, int status, StatusHosts hosts = StatusHosts.All, params (string, string)[] headers) =>
        new(name, function, contentType, Encoding.UTF8.GetBytes(body), status, hosts, headers);
}
