using Microsoft.AspNetCore.Builder;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.TestUtilities;
using Snapshooter.Xunit3;

namespace Portable.Functions.Http.Tests;

public sealed class FunctionsHttpHostTests
{
    [Fact]
    public async Task HttpFunction_GetsPathQueryHeadersCookiesAndBodyUnmodified()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());
        using var request = new HttpRequestMessage(HttpMethod.Put, "/inspect/sub/path?q=1&q=two%20words&r")
        {
            Content = new StringContent("<raw>body</raw>", Encoding.UTF8, "application/xml"),
        };
        request.Headers.Add("X-Custom", "custom value");
        request.Headers.Add("Cookie", "c=crumb");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("PUT /inspect/sub/path?q=1&q=two%20words&r", lines[0]);
        Assert.Equal("q=1,two words", lines[1]);
        Assert.Equal("x-custom=custom value", lines[2]);
        Assert.Equal("cookie=crumb", lines[3]);
        Assert.Equal("body=<raw>body</raw>", lines[4]);
        Assert.Equal(["inspect"], response.Headers.GetValues("X-Function"));
        Assert.Equal(["a=1; Path=/", "b=2; Path=/"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task HttpFunction_TraceparentHeader_BecomesTheParentTrace()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/inspect");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        using var response = await host.Client.SendAsync(request);

        Assert.EndsWith("trace=4bf92f3577b34da6a3ce929d0e0e4736", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientDisconnectsMidRequest_TheFunctionsTokenIsCancelled_AndTheHostKeepsServing()
    {
        var hold = new HoldUntilCancelled();
        await using var host = await RunningHost.StartAsync(s => s.AddSingleton(hold).AddPortableFunctions(f => f.AddHttpFunction<HoldUntilCancelledFunction>("hold").AddHttpFunction<Inspect>("text")));
        using var abort = new CancellationTokenSource();

        var call = host.Client.GetAsync("/hold", abort.Token);
        await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await abort.CancelAsync(); // HttpClient aborts the connection
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await hold.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using var next = await host.Client.GetAsync("/text", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    public sealed class HoldUntilCancelled
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class HoldUntilCancelledFunction(HoldUntilCancelled hold) : IHttpFunction
    {
        public async Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            hold.Entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                hold.Cancelled.TrySetResult();
                throw;
            }

            return FunctionHttpResponse.Text("never");
        }
    }

    [Fact]
    public async Task Requests_AreServedConcurrently()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());
        var gate = host.App.Services.GetRequiredService<Gate>();
        gate.Expected = 8;

        // Each call returns only once all eight are inside the function at the same time.
        var calls = Enumerable.Range(0, gate.Expected).Select(_ => host.Client.GetStringAsync("/concurrent"));
        var bodies = await Task.WhenAll(calls);

        Assert.All(bodies, body => Assert.Equal("together", body));
    }

    [Fact]
    public async Task OversizeBody_Returns413_AndTheHostKeepsServing()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddGreeterFunctions(), o => o.MaxRequestBodySize = 1024);
        var large = "{\"name\":\"" + new string('a', 4096) + "\"}";

        using var declared = await host.Client.PostAsync("/greet", new StringContent(large, Encoding.UTF8, "application/json"));
        using var chunkedContent = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(large)));
        chunkedContent.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/greet") { Content = chunkedContent };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await host.Client.SendAsync(chunkedRequest);
        using var after = await host.Client.PostAsync("/greet", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Snapshot.Match(await Snapshots.DescribeAsync(declared));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task EventFunction_InvalidCloudEvent_Returns400_AndTheHostKeepsServing()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());
        using var binary = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        binary.Headers.Add("ce-specversion", "1.0");
        binary.Headers.Add("ce-source", "/s");
        binary.Headers.Add("ce-type", "t");

        using var badPercent = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        badPercent.Headers.TryAddWithoutValidation("ce-specversion", "1.0");
        badPercent.Headers.TryAddWithoutValidation("ce-id", "%zz%");
        badPercent.Headers.TryAddWithoutValidation("ce-source", "/s");
        badPercent.Headers.TryAddWithoutValidation("ce-type", "t");

        using var badMediaType = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        badMediaType.Content.Headers.TryAddWithoutValidation("Content-Type", "application");
        badMediaType.Headers.Add("ce-specversion", "1.0");
        badMediaType.Headers.Add("ce-id", "1");
        badMediaType.Headers.Add("ce-source", "/s");
        badMediaType.Headers.Add("ce-type", "t");

        using var missingId = await host.Client.SendAsync(binary);
        using var notPercentEncoded = await host.Client.SendAsync(badPercent);
        using var noMediaType = await host.Client.SendAsync(badMediaType);
        using var malformed = await host.Client.PostAsync("/record", new StringContent("{\"specversion\":", Encoding.UTF8, "application/cloudevents+json"));
        using var fine = await host.Client.PostAsync("/record", new StringContent("""{"ok":true}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, missingId.StatusCode);
        Snapshot.Match(await Snapshots.DescribeAsync(missingId));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notPercentEncoded.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noMediaType.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, fine.StatusCode);
    }

    [Fact]
    public async Task EventFunction_PlainJson_IsWrappedAsAnEvent()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());

        using var response = await host.Client.PostAsync("/record", new StringContent("""{"k":1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(host.App.Services.GetRequiredService<EventLog>().Events);
        Assert.Equal("/record", received.Source);
        Assert.Equal("dev.portablefunctions.http.request", received.Type);
        Assert.Equal(1, received.Data.GetProperty("k").GetInt32());
        Assert.True(Guid.TryParse(received.Id, out _));
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    public async Task EventFunction_NonJsonPlainBody_Returns415(string contentType)
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());

        using var response = await host.Client.PostAsync("/record", new StringContent("<x/>", Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task EventFunction_Get_Returns405()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());

        using var response = await host.Client.GetAsync("/record");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Shutdown_HoldsTheInFlightRequest_RefusesNewConnections_ThenAnswersIt()
    {
        var host = await RunningHost.StartAsync(s => s.AddHttpTestFunctions());
        var release = host.App.Services.GetRequiredService<Release>();

        var inFlight = host.Client.GetAsync("/slow", TestContext.Current.CancellationToken);
        await release.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var stopping = host.App.StopAsync(TestContext.Current.CancellationToken);

        // The function is still held by its gate: shutdown has begun, the host no longer listens, and it waits.
        await Shutdown.NewConnectionsRefusedAsync(host.Address, "/healthz", TestContext.Current.CancellationToken);
        Assert.False(inFlight.IsCompleted);
        Assert.False(stopping.IsCompleted);
        release.Go.SetResult();

        using var answered = await inFlight;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("finished", await answered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await stopping;
        await host.DisposeAsync();
    }

    [Fact]
    public async Task HttpFunction_HeaderValueWithNewline_Is500Problem_AndTheHostKeepsServing()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddPortableFunctions(f => f.AddHttpFunction<HeaderInjection>("inject")));

        using var injected = await host.Client.GetAsync("/inject?value=a%0d%0aSet-Cookie:%20evil=1", TestContext.Current.CancellationToken);
        using var next = await host.Client.GetAsync("/inject?value=fine", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, injected.StatusCode);
        Assert.Equal("application/problem+json", injected.Content.Headers.ContentType?.MediaType);
        Assert.False(injected.Headers.Contains("Set-Cookie"));
        Assert.Equal(System.Net.HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("fine", next.Headers.GetValues("X-Value").Single());
    }

    /// <summary>Echoes a query value into a response header, as careless code does.</summary>
    public sealed class HeaderInjection : IHttpFunction
    {
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            var response = FunctionHttpResponse.Text("ok");
            response.Headers["X-Value"] = request.Query["value"].ToString();
            return Task.FromResult(response);
        }
    }

    [Fact]
    public async Task EventFunction_CloudEventsWebhookValidation_IsAllowed_AndAnOptionsWithoutItIs405()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddSingleton<EventLog>().AddPortableFunctions(f => f.AddEventFunction<Recorder, System.Text.Json.JsonElement>("events").UseJsonContext(HttpTestJsonContext.Default)));
        using var validation = new HttpRequestMessage(HttpMethod.Options, "/events");
        validation.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");

        using var allowed = await host.Client.SendAsync(validation, TestContext.Current.CancellationToken);
        using var plain = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/events"), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("eventgrid.azure.net", allowed.Headers.GetValues("WebHook-Allowed-Origin").Single());
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, plain.StatusCode);
        Assert.Empty(host.App.Services.GetRequiredService<EventLog>().Events);
    }

    [Theory]
    [InlineData("--PortableFunctions:Http:MaxRequestBodySize=0", "MaxRequestBodySize")]
    [InlineData("--PortableFunctions:Http:HealthPath=health", "HealthPath")]
    [InlineData("--PortableFunctions:DeadlineGracePeriod=-00:00:01", "DeadlineGracePeriod")]
    public async Task MapPortableFunctions_InvalidConfiguration_FailsNamingTheSetting(string setting, string name)
    {
        var builder = FunctionsHttpHost.CreateBuilder(["--urls", "http://127.0.0.1:0", setting]);
        builder.Services.AddSingleton<EventLog>().AddPortableFunctions(f => f.AddEventFunction<Recorder, System.Text.Json.JsonElement>("events").UseJsonContext(HttpTestJsonContext.Default));
        await using var app = builder.Build();

        var exception = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => app.MapPortableFunctions());

        Assert.Contains(name, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_BindFromTheCommandLine()
    {
        var builder = FunctionsHttpHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--PortableFunctions:Http:MaxRequestBodySize=1234", "--PortableFunctions:IncludeExceptionDetails=true"]);
        builder.Services.AddPortableFunctions();
        await using var app = builder.Build();

        Assert.Equal(1234, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpFunctionsOptions>>().Value.MaxRequestBodySize);
        Assert.True(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FunctionsOptions>>().Value.IncludeExceptionDetails);
    }

    [Fact]
    public async Task MapPortableFunctions_FunctionNamedLikeTheHealthEndpoint_Throws()
    {
        var builder = FunctionsHttpHost.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Services.AddSingleton<EventLog>().AddPortableFunctions(f => f.AddEventFunction<Recorder, System.Text.Json.JsonElement>("healthz").UseJsonContext(HttpTestJsonContext.Default));
        await using var app = builder.Build();

        Assert.Throws<InvalidOperationException>(() => app.MapPortableFunctions());
    }

    [Theory]
    [InlineData(new string[0], null, null, null, "http://localhost:8080")]
    [InlineData(new string[0], "9090", null, null, "http://localhost:9090")]
    [InlineData(new string[0], "9090", "true", null, "http://0.0.0.0:9090")]
    [InlineData(new string[0], null, "true", null, "http://0.0.0.0:8080")]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5000" }, "9090", null, null, null)]
    [InlineData(new[] { "--urls=http://127.0.0.1:5000" }, null, null, null, null)]
    [InlineData(new string[0], null, null, "http://+:7070", null)]
    public void ResolveUrls_FollowsTheDocumentedPrecedence(string[] args, string? port, string? container, string? aspnetcoreUrls, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PORT"] = port,
            ["DOTNET_RUNNING_IN_CONTAINER"] = container,
            ["ASPNETCORE_URLS"] = aspnetcoreUrls,
        }).Build();

        Assert.Equal(expected, FunctionsHttpHost.ResolveUrls(args, configuration));
    }

    [Theory]
    [InlineData("eighty")]
    [InlineData("0")]
    [InlineData("70000")]
    public void ResolveUrls_InvalidPort_FailsAtStartup(string port)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PORT"] = port }).Build();

        var exception = Assert.Throws<InvalidOperationException>(() => FunctionsHttpHost.ResolveUrls([], configuration));
        Assert.Contains("PORT", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Banner_ListsTheAddressAndEveryFunction()
    {
        await using var host = await RunningHost.StartAsync(s => s.AddGreeterFunctions());
        var catalog = host.App.Services.GetRequiredService<FunctionCatalog>();

        Snapshot.Match(StartupBanner.Compose(["http://localhost:8080"], catalog, "/healthz"));
    }
}
