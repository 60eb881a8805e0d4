using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portable.Functions.Testing;

namespace Portable.Functions.Tests;

/// <summary>What an adapter hands the core about an invocation, and what the core hands back: the third platform's needs.</summary>
public sealed class InvocationTests
{
    [Fact]
    public async Task PlatformCancellation_EndsTheInvocationAsTimedOut_504()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        using var platform = new CancellationTokenSource();

        var invocation = host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"slow"}"""), new TestInvocationOptions { PlatformCancellationToken = platform.Token });
        await platform.CancelAsync();
        var result = await invocation;

        Assert.Equal(FunctionStatus.TimedOut, result.Status);
        Assert.Equal(504, result.StatusCode);
        Assert.Equal("The platform cancelled the invocation before the function finished.", result.Problem!.Detail);
        Assert.True(Assert.Single(host.Services.GetRequiredService<InvocationLog>().Tokens).IsCancellationRequested);
    }

    [Fact]
    public async Task CallerAbort_EndsTheInvocationAsAborted_499_EvenWithAPlatformToken()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        using var platform = new CancellationTokenSource();
        using var caller = new CancellationTokenSource();

        var invocation = host.InvokeHttpAsync("echo", Json.Post("/echo", """{"text":"slow"}"""), new TestInvocationOptions { PlatformCancellationToken = platform.Token }, caller.Token);
        await caller.CancelAsync();
        var result = await invocation;

        Assert.Equal(FunctionStatus.Aborted, result.Status);
        Assert.Equal(499, result.StatusCode);
    }

    [Fact]
    public async Task GivenServices_AreTheInvocationsScope_AndAreNotDisposedByTheCore()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        await using var platformScope = host.Services.CreateAsyncScope();
        var counter = platformScope.ServiceProvider.GetRequiredService<ScopedCounter>();
        Assert.True(host.Catalog.TryGet("echo", out var echo));

        var result = await echo.InvokeHttpAsync(Json.Post("/echo", """{"text":"a"}"""), new FunctionInvocation { Services = platformScope.ServiceProvider });

        Assert.True(result.Succeeded);
        var context = Assert.Single(host.Services.GetRequiredService<InvocationLog>().Contexts);
        Assert.Same(platformScope.ServiceProvider, context.Services);
        Assert.Same(counter, context.Services.GetRequiredService<ScopedCounter>()); // still usable: not disposed
    }

    [Theory]
    [InlineData("echo", "http", ActivityKind.Server)]
    [InlineData("raw", "http", ActivityKind.Server)]
    [InlineData("pay", "pubsub", ActivityKind.Consumer)]
    public async Task Trigger_WhenTheAdapterGivesNone_FollowsTheFunctionsKind(string function, string trigger, ActivityKind kind)
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = function == "pay"
            ? (FunctionTestResult)await host.InvokeEventAsync("pay", new Payment("p", 1m))
            : await host.InvokeHttpAsync(function, Json.Post("/" + function, """{"text":"a"}"""));

        Assert.Equal(trigger, result.Activity!.GetTagItem("faas.trigger"));
        Assert.Equal(kind, result.Activity.Kind);
    }

    [Fact]
    public async Task Reject_HasAnInvocationId_OneLogEntry_AndASpan_WithoutRunningMiddleware()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions(f => f.Use((_, _) => throw new InvalidOperationException("middleware must not run"))));
        Assert.True(host.Catalog.TryGet("pay", out var pay));
        using var listener = ActivityRecorder.Start(out var activities);

        var result = pay.Reject(FunctionProblems.PayloadTooLarge(10), new FunctionInvocation { InvocationId = "inv-r1", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });

        Assert.Equal((FunctionStatus.Rejected, 413, "inv-r1"), (result.Status, result.StatusCode, result.InvocationId));
        Assert.Equal("inv-r1", result.Problem!.Extensions["invocationId"]);
        Assert.Equal("application/problem+json", result.Response.ContentType);
        var entry = Assert.Single(host.Logs);
        Assert.Contains("413", entry.Message, StringComparison.Ordinal);
        Activity activity;
        lock (activities)
        {
            activity = Assert.Single(activities, a => a.GetTagItem("faas.invocation_id") as string == "inv-r1"); // other tests run beside this one
        }

        Assert.Equal(("pay", "inv-r1", ActivityStatusCode.Error), (activity.DisplayName, activity.GetTagItem("faas.invocation_id"), activity.Status));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", activity.TraceId.ToHexString());
    }

    [Fact]
    public async Task Fail_Is500WithoutInternals_LoggedWithTheException()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());
        Assert.True(host.Catalog.TryGet("echo", out var echo));

        var result = echo.Fail(new InvalidOperationException("secret"));

        Assert.Equal((FunctionStatus.Failed, 500), (result.Status, result.StatusCode));
        Assert.DoesNotContain("secret", System.Text.Encoding.UTF8.GetString(result.Response.Body.Span), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(result.InvocationId, out _));
        Assert.IsType<InvalidOperationException>(Assert.Single(host.Logs).Exception);
    }

    [Fact]
    public async Task CatalogReject_AnswersWithoutAFunction()
    {
        await using var host = FunctionTestHost.Create(s => s.AddTestFunctions());

        var result = host.Catalog.Reject(FunctionProblems.NotFound("/nope"));

        Assert.Equal(404, result.StatusCode);
        Assert.Equal(result.InvocationId, result.Problem!.Extensions["invocationId"]);
        Assert.Equal("Portable.Functions.Host", Assert.Single(host.Logs).Category);
    }

    [Fact]
    public void ActivitySource_IsVersionedWithTheAssembly()
    {
        // The build writes the version as a constant (no reflection at a cold start); it must stay the assembly's.
        Assert.Equal(typeof(FunctionInvoker).Assembly.GetName().Version!.ToString(3), FunctionTelemetry.Source.Version);
    }

    [Fact]
    public void Reject_WithAServerError_Throws()
    {
        using var provider = new ServiceCollection().AddTestFunctions().BuildServiceProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<FunctionCatalog>().Reject(new FunctionProblem(500, "No")));
    }

    [Fact]
    public async Task Options_BindFromTheRegisteredConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PortableFunctions:IncludeExceptionDetails"] = "true",
            ["PortableFunctions:DefaultTimeout"] = "00:00:30",
            ["PortableFunctions:DeadlineGracePeriod"] = "00:00:02",
        }).Build();
        await using var host = FunctionTestHost.Create(s => s.AddSingleton<IConfiguration>(configuration).AddTestFunctions());

        var options = host.Services.GetRequiredService<IOptions<FunctionsOptions>>().Value;

        Assert.Equal((true, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)), (options.IncludeExceptionDetails, options.DefaultTimeout, options.DeadlineGracePeriod));
    }

    [Theory]
    [InlineData("PortableFunctions:DeadlineGracePeriod", "-00:00:01")]
    [InlineData("PortableFunctions:DefaultTimeout", "00:00:00")]
    public void Options_Invalid_FailWhenTheFunctionsAreBuilt_NamingTheSetting(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddTestFunctions().BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<FunctionCatalog>());

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }
}

/// <summary>Records the activities of the Portable.Functions source.</summary>
internal static class ActivityRecorder
{
    public static ActivityListener Start(out List<Activity> activities)
    {
        var recorded = new List<Activity>();
        activities = recorded;
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FunctionTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (recorded)
                {
                    recorded.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
