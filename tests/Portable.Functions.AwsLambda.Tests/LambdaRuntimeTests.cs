using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// End to end: the real host and Runtime API loop against a Runtime API server on loopback. The tests of this class
/// run one after another, since the loop sets the process-wide <c>_X_AMZN_TRACE_ID</c>.
/// </summary>
[Collection(LambdaRuntimeCollection.Name)]
public sealed class LambdaRuntimeTests
{
    private const string XRayHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    [Fact]
    public async Task DirectInvocation_TypedFunction_PostsTheResponse_AndServesTheNextOne()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");

        var first = runtime.Server.Enqueue("""{"text":"one"}""", headers: new Dictionary<string, string> { ["Lambda-Runtime-Aws-Tenant-Id"] = "tenant-7" });
        var firstResult = await runtime.Server.ResultAsync(first);
        var second = runtime.Server.Enqueue("""{"text":"two"}""");
        var secondResult = await runtime.Server.ResultAsync(second);

        Assert.Equal("response", firstResult.Kind);
        Assert.Equal("application/json", firstResult.ContentType);
        var echo = JsonSerializer.Deserialize(firstResult.Body, TestJsonContext.Default.EchoResponse)!;
        Assert.Equal("one", echo.Text);
        Assert.Equal(first, echo.InvocationId);
        Assert.Equal("arn:aws:lambda:eu-west-1:210987654321:function:fixture", echo.FunctionArn);
        Assert.Equal("fixture", echo.FunctionName);
        Assert.Equal("Direct", echo.Trigger);
        Assert.Equal("tenant-7", echo.Tenant);
        Assert.Equal("two", JsonSerializer.Deserialize(secondResult.Body, TestJsonContext.Default.EchoResponse)!.Text);
        Assert.Contains(runtime.Server.UserAgents, agent => agent.StartsWith("portable-functions-aws-lambda/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandlerException_PostsTheCanonicalErrorWithoutSecrets_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "boom");

        var first = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"x"}"""));
        var second = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"y"}"""));

        Assert.Equal("error", first.Kind);
        Assert.Equal("InvalidOperationException", first.ErrorType);
        Assert.Equal("application/vnd.aws.lambda.error+json", first.ContentType);
        Assert.Equal(
            """{"errorType":"InvalidOperationException","errorMessage":"The function failed. Quote the invocation id when you report it.","stackTrace":[]}""",
            first.Body);
        Assert.DoesNotContain("hunter2", first.Body, StringComparison.Ordinal);
        Assert.Equal("error", second.Kind);

        // X-Ray gets the cause — the operator's telemetry, never the caller's answer: the type, the message, the frames.
        using var cause = JsonDocument.Parse(first.XRayCause!);
        var exception = cause.RootElement.GetProperty("exceptions")[0];
        Assert.Equal("InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Contains(exception.GetProperty("stack").EnumerateArray(), frame => frame.GetProperty("label").GetString()!.Contains("Boom.HandleAsync", StringComparison.Ordinal));
        Assert.True(cause.RootElement.TryGetProperty("working_directory", out _));
        Assert.DoesNotContain('\n', first.XRayCause!);
    }

    [Fact]
    public async Task HandlerException_WithExceptionDetailsOn_ReportsMessageAndStack()
    {
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddLambdaTestFunctions().AddPortableFunctions(f => f.Configure(o => o.IncludeExceptionDetails = true)), handler: "boom");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"x"}"""));

        using var body = JsonDocument.Parse(result.Body);
        Assert.Equal("InvalidOperationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("hunter2", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Contains(body.RootElement.GetProperty("stackTrace").EnumerateArray(), frame => frame.GetString()!.Contains("Boom.HandleAsync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownHandler_PostsInitError_AndExitsNonZero()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "missing");

        var exitCode = await runtime.WaitForExitAsync();
        var initError = await runtime.Server.InitError.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, exitCode);
        Assert.Equal("Runtime.InitError", initError.ErrorType);
        Assert.Equal("application/vnd.aws.lambda.error+json", initError.ContentType);
        using var body = JsonDocument.Parse(initError.Body);
        Assert.Equal("InvalidOperationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.StartsWith("No function is named 'missing'.", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, runtime.Server.NextCalls);
    }

    [Theory]
    [InlineData("PortableFunctions:AwsLambda:BatchConcurrency", "0", "BatchConcurrency")]
    [InlineData("PortableFunctions:DefaultTimeout", "-00:00:01", "DefaultTimeout")]
    public async Task InvalidConfiguration_PostsInitErrorNamingTheSetting(string key, string value, string name)
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo", environment: new Dictionary<string, string> { [key] = value });

        var exitCode = await runtime.WaitForExitAsync();
        var initError = await runtime.Server.InitError.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, exitCode);
        Assert.Contains(name, initError.Body, StringComparison.Ordinal);
        Assert.Equal(0, runtime.Server.NextCalls);
    }

    [Fact]
    public async Task Configuration_DeclaresAnEventSource()
    {
        // Without the declaration a plain payload to an event function is Function.UnrecognizedEvent.
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed",
            environment: new Dictionary<string, string> { ["PortableFunctions__AwsLambda__EventSources__order-placed".Replace("__", ":", StringComparison.Ordinal)] = "Direct" });

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"orderId":"o-1","amount":12.5}"""));

        Assert.Equal("response", result.Kind);
    }

    [Fact]
    public async Task FailingServiceRegistration_PostsInitError_AndExitsNonZero()
    {
        await using var runtime = await RunningRuntime.StartAsync(_ => throw new InvalidOperationException("configuration is broken"));

        var exitCode = await runtime.WaitForExitAsync();
        var initError = await runtime.Server.InitError.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(LambdaFunctionsHost.InitFailedExitCode, exitCode);
        Assert.Contains("configuration is broken", initError.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineNextRequestOff_ARuntimeApiThatDropsWhatFollowsARequest_ServesEveryInvocation()
    {
        // A Runtime API of one's own that reads one request per read and drops the rest would lose a GET /next sent
        // behind a response; with the option off the runtime waits for each answer before the next request.
        await using var api = OneRequestAtATimeApi.Start("""{"text":"one"}""", """{"text":"two"}""");
        using var stop = new CancellationTokenSource();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = api.Address,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "fixture",
            ["_HANDLER"] = "echo",
            ["PortableFunctions:AwsLambda:PipelineNextRequest"] = "false",
        }).Build();
        var exit = Task.Run(() => LambdaFunctionsHost.RunAsync([], s => s.AddLambdaTestFunctions().AddLogging(l => l.ClearProviders()), configuration, stop.Token));

        var responses = await api.Answered.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await exit.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Collection(responses, r => Assert.Contains("one", r, StringComparison.Ordinal), r => Assert.Contains("two", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RuntimeApiAnswers500_TheRuntimeExitsNonZero()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");
        var served = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"before"}"""));

        runtime.Server.EnqueueContainerError();
        var exitCode = await runtime.WaitForExitAsync();

        Assert.Equal("response", served.Kind);
        Assert.Equal(LambdaFunctionsHost.RuntimeApiFailedExitCode, exitCode);
    }

    [Fact]
    public async Task OversizeResponse_IsReportedAsAnError_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "huge");

        var first = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"x"}"""));
        var second = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"y"}"""));

        Assert.Equal("error", first.Kind);
        Assert.Equal("Function.ResponseSizeTooLarge", first.ErrorType);
        using var body = JsonDocument.Parse(first.Body);
        Assert.Equal("Function.ResponseSizeTooLarge", body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("6291456 bytes", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("Function.ResponseSizeTooLarge", second.ErrorType);
    }

    [Fact]
    public async Task Deadline_CancelsTheHandlersTokenBeforeTheDeadline()
    {
        // A generous grace period: the token must fire about two seconds before the deadline, even on a slow machine.
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddLambdaTestFunctions().AddPortableFunctions(f => f.Configure(o => o.DeadlineGracePeriod = TimeSpan.FromSeconds(2))), handler: "wait");
        var deadline = DateTimeOffset.UtcNow.AddSeconds(4);

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"x"}""", deadline));

        Assert.Equal("error", result.Kind);
        Assert.Equal("Function.GatewayTimeout", result.ErrorType);
        Assert.NotNull(DeadlineProbe.CancelledAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(deadline.ToUnixTimeMilliseconds()), DeadlineProbe.Deadline);
        Assert.True(DeadlineProbe.CancelledAt < DeadlineProbe.Deadline, $"cancelled at {DeadlineProbe.CancelledAt:O}, deadline {DeadlineProbe.Deadline:O}");
    }

    [Fact]
    public async Task Deadline_ReachesAHandlerThatNeverAwaits_AndEndsTheInvocationAsTimedOut()
    {
        // The deadline is not only for handlers that await: one working synchronously, polling its token, is stopped too.
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddLambdaTestFunctions().AddPortableFunctions(f => f.Configure(o => o.DeadlineGracePeriod = TimeSpan.FromSeconds(2))), handler: "spin");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"x"}""", DateTimeOffset.UtcNow.AddSeconds(3)));

        Assert.Equal("error", result.Kind);
        Assert.Equal("Function.GatewayTimeout", result.ErrorType);
    }

    [Fact]
    public async Task Deadline_WithAFakeClock_FiresTheTokenExactlyAtDeadlineMinusGrace()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        DeadlineProbe.Entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions().AddSingleton<TimeProvider>(time), handler: "wait");
        var deadline = time.GetUtcNow().AddSeconds(10);

        var requestId = runtime.Server.Enqueue("""{"text":"x"}""", deadline);
        await DeadlineProbe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(9.5));
        var result = await runtime.Server.ResultAsync(requestId);

        Assert.Equal("Function.GatewayTimeout", result.ErrorType);
        Assert.Equal(deadline, DeadlineProbe.Deadline);
        Assert.Equal(deadline - TimeSpan.FromMilliseconds(500), DeadlineProbe.CancelledAt);
    }

    [Fact]
    public async Task DeadlineFarInTheFuture_DoesNotBreakTheInvocation()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"later"}""", DateTimeOffset.UtcNow.AddYears(100)));

        Assert.Equal("response", result.Kind);
    }

    [Fact]
    public async Task XRayTraceHeader_BecomesTheTraceId_AndIsSetAndClearedPerInvoke()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");

        var traced = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"t"}""", headers: new Dictionary<string, string> { ["Lambda-Runtime-Trace-Id"] = XRayHeader }));
        var untraced = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"u"}"""));

        var first = JsonSerializer.Deserialize(traced.Body, TestJsonContext.Default.EchoResponse)!;
        var second = JsonSerializer.Deserialize(untraced.Body, TestJsonContext.Default.EchoResponse)!;
        Assert.Equal("5759e988bd862e3fe1be46a994272793", first.TraceId);
        Assert.Equal(XRayHeader, first.TraceEnvironment);
        Assert.Null(second.TraceEnvironment);
        Assert.NotEqual("5759e988bd862e3fe1be46a994272793", second.TraceId);
    }

    [Fact]
    public async Task MaxConcurrency_RunsThatManyInvocationsAtOnce()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "together",
            environment: new Dictionary<string, string> { ["AWS_LAMBDA_MAX_CONCURRENCY"] = "4" });

        // Each invocation returns only once all four are inside the function at the same time.
        var ids = Enumerable.Range(0, 4).Select(i => runtime.Server.Enqueue($$"""{"text":"{{i}}"}""")).ToArray();
        var results = await Task.WhenAll(ids.Select(runtime.Server.ResultAsync));

        Assert.All(results, result => Assert.Equal("response", result.Kind));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task PooledResponseBodies_EveryResponseIsItsOwn_WhateverTheSizesAndConcurrency(int concurrency)
    {
        // A typed response is serialized into a pooled array that goes back once the Runtime API has it: the bodies of
        // responses of very different sizes, one after another or four loops at once, must never show one another.
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo",
            environment: new Dictionary<string, string> { ["AWS_LAMBDA_MAX_CONCURRENCY"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var lengths = new[] { 1, 100_000, 5, 300_000, 2, 700, 40_000, 3 };
        var texts = Enumerable.Range(0, 24).Select(i => new string((char)('a' + (i % 26)), lengths[i % lengths.Length]) + i).ToArray();

        var ids = texts.Select(text => runtime.Server.Enqueue(JsonSerializer.Serialize(new EchoRequest(text), TestJsonContext.Default.EchoRequest))).ToArray();
        var results = await Task.WhenAll(ids.Select(runtime.Server.ResultAsync));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal("response", results[i].Kind);
            var echo = JsonSerializer.Deserialize(results[i].Body, TestJsonContext.Default.EchoResponse)!;
            Assert.Equal(texts[i], echo.Text);
            Assert.Equal(ids[i], echo.InvocationId);
        }
    }

    [Fact]
    public async Task InvalidJson_ToATypedFunction_PostsA400Error_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");

        var invalid = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text": oops"""));
        var valid = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"fine"}"""));

        Assert.Equal("Function.BadRequest", invalid.ErrorType);
        using var body = JsonDocument.Parse(invalid.Body);
        Assert.Contains("not valid JSON", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", valid.Kind);
    }

    [Fact]
    public async Task EmptyEvent_ToATypedFunction_PostsA400Error_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");

        var empty = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Array.Empty<byte>()));
        var valid = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"fine"}"""));

        Assert.Equal("Function.BadRequest", empty.ErrorType);
        Assert.Equal("response", valid.Kind);
    }

    [Fact]
    public async Task InvalidJson_ToAnEventFunction_PostsAnInvalidEventError_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed");

        var invalid = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"Records": [ """));
        var valid = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("sqs.json")));

        Assert.Equal("Function.InvalidEvent", invalid.ErrorType);
        Assert.Equal("response", valid.Kind);
    }

    [Fact]
    public async Task InvalidJsonAfterAnEventsMarks_ToAnEventFunction_IsAnsweredAsInvalidJson()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed");
        // An SQS batch by its first record, broken in the second: the detector's quick look names SQS without reading
        // the second record, so the answer must still be the detector's own for invalid JSON.
        var broken = Encoding.UTF8.GetString(Fixtures.Bytes("sqs.json")).Replace("\"AQEBfixture2\"", "\"AQEBfixture2\" oops", StringComparison.Ordinal);

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(broken));
        var valid = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("sqs.json")));

        Assert.Equal("Function.InvalidEvent", result.ErrorType);
        using var body = JsonDocument.Parse(result.Body);
        Assert.StartsWith("The event is not valid JSON", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", valid.Kind);
    }

    [Fact]
    public async Task InvalidJsonAfterAnHttpApiEventsMarks_ToATypedFunction_IsADirectInvocationsBadRequest()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");
        // Before the shortcut the detector threw on it, which makes a typed function's payload a direct invocation: its
        // deserializer reports the JSON error as a 400.
        var broken = Encoding.UTF8.GetString(Fixtures.Bytes("http-api.json")).TrimEnd().TrimEnd('}') + ", \"x\": tru }";

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(broken));

        Assert.Equal("Function.BadRequest", result.ErrorType);
        using var body = JsonDocument.Parse(result.Body);
        Assert.Contains("not valid JSON", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnrecognizedPayload_ToAnEventFunction_PostsAClearError()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"orderId":"o-1","amount":1}"""));

        Assert.Equal("Function.UnrecognizedEvent", result.ErrorType);
        Snapshot(result.Body);
    }

    [Fact]
    public async Task DeclaredDirectSource_EventFunction_TakesThePayloadAsItsData()
    {
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddGreeterFunctions().AddPortableFunctionsAwsLambda(o => o.UseEventSource("order-placed", LambdaEventSource.Direct)), handler: "order-placed");

        var accepted = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"orderId":"o-1","amount":1}"""));
        var failed = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"orderId":"o-2","amount":-1}"""));

        Assert.Equal("response", accepted.Kind);
        Assert.Equal(string.Empty, accepted.Body);
        Assert.Equal("InvalidOperationException", failed.ErrorType);
    }

    [Fact]
    public async Task MissingRequestIdHeader_IsSkipped_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "echo");

        runtime.Server.EnqueueWithoutRequestId("""{"text":"lost"}""");
        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"text":"next"}"""));

        Assert.Equal("next", JsonSerializer.Deserialize(result.Body, TestJsonContext.Default.EchoResponse)!.Text);
        Assert.True(runtime.Server.NextCalls >= 2);
    }

    [Fact]
    public async Task HttpApiEvent_Greet_AnswersTheHttpApiResponse()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "greet");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("http-api.json")));

        Assert.Equal("response", result.Kind);
        Assert.Equal(
            """{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"message\":\"Hello, Linus!\"}","isBase64Encoded":false}""",
            result.Body);
    }

    [Fact]
    public async Task HttpApiEvent_InvalidBase64Body_Answers400Problem_AndTheLoopContinues()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "greet");
        var invalid = Fixtures.Text("http-api.json").Replace("eyJuYW1lIjoiTGludXMifQ==", "not*base64!", StringComparison.Ordinal);

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(invalid));
        var next = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("http-api.json")));

        Assert.Equal("response", result.Kind);
        Snapshot(result.Body, "body");
        Assert.Contains("Hello, Linus!", next.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestApiEvent_GreetWithoutName_Answers400ProblemLikeTheHttpHost()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "greet");
        var payload = Fixtures.Text("apigw-rest.json").Replace("""{\"name\":\"Grace\"}""", """{\"name\":\" \"}""", StringComparison.Ordinal);

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(payload));

        Assert.Equal("response", result.Kind);
        Snapshot(result.Body, "body");
    }

    [Fact]
    public async Task DirectInvocation_GreetValidationProblem_PostsABadRequestError()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "greet");

        var ok = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"name":"Ada"}"""));
        var invalid = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"name":""}"""));

        Assert.Equal("""{"message":"Hello, Ada!"}""", ok.Body);
        Assert.Equal("Function.BadRequest", invalid.ErrorType);
        Assert.Equal("""{"errorType":"Function.BadRequest","errorMessage":"The name field is required.","stackTrace":[]}""", invalid.Body);
    }

    [Fact]
    public async Task FunctionVariable_NamesTheFunction_WhenHandlerNamesTheExecutable()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "Greeter.AwsLambda",
            environment: new Dictionary<string, string> { [LambdaFunctionsHost.FunctionVariable] = "greet" });

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"name":"Ada"}"""));

        Assert.Equal("""{"message":"Hello, Ada!"}""", result.Body);
    }

    [Fact]
    public async Task AlbMultiValueEvent_HttpFunction_AnswersInMultiValueMode()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "inspect");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("alb-multi.json")));

        Assert.Equal("response", result.Kind);
        Snapshot(result.Body);
    }

    [Fact]
    public async Task RestEvent_HttpFunctionAnsweringBytes_AnswersBase64()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddLambdaTestFunctions(), handler: "inspect");
        var payload = Fixtures.Text("apigw-rest-base64.json").Replace("\"path\": \"/upload\"", "\"path\": \"/binary\"", StringComparison.Ordinal);

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(payload));

        Assert.Equal("""{"statusCode":200,"headers":{"Content-Type":"image/png"},"body":"AAEC/f7/","isBase64Encoded":true}""", result.Body);
    }

    [Fact]
    public async Task SqsEvent_OrderPlaced_ReportsOnlyTheFailedRecords()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("sqs.json")));

        Assert.Equal("response", result.Kind);
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c65"}]}""", result.Body);
    }

    [Fact]
    public async Task SqsEvent_RecordsMissingARequiredField_AreReportedAlone_AndTheOthersReachTheFunction()
    {
        var received = new ReceivedInputs();
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions().AddInputRecorder(received), handler: "order-placed");
        var bodies = (string[])["""{"orderId":"o-1","amount":1}""", """{"orderId":"o-2"}""", """{"orderId":null,"amount":2}""", """{"orderId":"o-4","amount":4}"""];
        var records = bodies.Select((body, i) => new System.Text.Json.Nodes.JsonObject
        {
            ["messageId"] = "m-" + i,
            ["body"] = body,
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = "arn:aws:sqs:eu-west-1:210987654321:orders",
            ["awsRegion"] = "eu-west-1",
        });

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(new System.Text.Json.Nodes.JsonObject { ["Records"] = new System.Text.Json.Nodes.JsonArray([.. records]) }.ToJsonString()));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-1"},{"itemIdentifier":"m-2"}]}""", result.Body);
        Assert.Equal([("m-0", "o-1"), ("m-3", "o-4")], received.Events<Greeter.Functions.Order>().Select(e => (e.Id, e.Data.OrderId)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SqsEvent_PooledBodies_EveryRecordBindsItsOwnBody(int batchConcurrency)
    {
        // Each record's body is read into a pooled array that goes back when its invocation is over: records of very
        // different sizes, in order or three at a time, must each bind their own.
        var received = new ReceivedInputs();
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddGreeterFunctions().AddInputRecorder(received).AddPortableFunctionsAwsLambda(o => o.BatchConcurrency = batchConcurrency), handler: "order-placed");
        var orders = Enumerable.Range(0, 10).Select(i => (Id: $"o-{i}-" + new string('x', (i % 3) * 40_000), Amount: i + 1)).ToArray();
        var records = orders.Select((order, i) => new System.Text.Json.Nodes.JsonObject
        {
            ["messageId"] = "m-" + i,
            ["body"] = $$"""{"orderId":"{{order.Id}}","amount":{{order.Amount}}}""",
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = "arn:aws:sqs:eu-west-1:210987654321:orders",
        });

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(new System.Text.Json.Nodes.JsonObject { ["Records"] = new System.Text.Json.Nodes.JsonArray([.. records]) }.ToJsonString()));

        Assert.Equal("""{"batchItemFailures":[]}""", result.Body);
        Assert.Equal(
            orders.Select((order, i) => ("m-" + i, order.Id, (decimal)order.Amount)).OrderBy(e => e.Item1, StringComparer.Ordinal),
            received.Events<Greeter.Functions.Order>().Select(e => (e.Id, e.Data.OrderId, e.Data.Amount)).OrderBy(e => e.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task SqsEvent_ToAFunctionTakingReadOnlyMemory_ItsDataOutlivesTheBatch()
    {
        // ReadOnlyMemory<byte> data is the read buffer itself, so it is never pooled: a function may keep it.
        var kept = new KeptBodies();
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddSingleton(kept).AddPortableFunctions(f => f.AddEventFunction<KeepBody, ReadOnlyMemory<byte>>("keep")), handler: "keep");
        var bodies = Enumerable.Range(0, 6).Select(i => $"body {i} " + new string('é', i * 100)).ToArray();
        var records = bodies.Select((body, i) => new System.Text.Json.Nodes.JsonObject { ["messageId"] = "m-" + i, ["body"] = body, ["eventSource"] = "aws:sqs" });

        await runtime.Server.ResultAsync(runtime.Server.Enqueue(new System.Text.Json.Nodes.JsonObject { ["Records"] = new System.Text.Json.Nodes.JsonArray([.. records]) }.ToJsonString()));
        await runtime.Server.ResultAsync(runtime.Server.Enqueue("""{"Records":[{"messageId":"later","body":"another batch","eventSource":"aws:sqs"}]}"""));

        Assert.Equal([.. bodies, "another batch"], kept.Bodies.Select(body => Encoding.UTF8.GetString(body.Span)));
    }

    [Fact]
    public async Task SqsEvent_WithBatchConcurrency_ReportsTheSameFailures()
    {
        await using var runtime = await RunningRuntime.StartAsync(
            s => s.AddGreeterFunctions().AddPortableFunctionsAwsLambda(o => o.BatchConcurrency = 3), handler: "order-placed");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("sqs.json")));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c65"}]}""", result.Body);
    }

    [Fact]
    public async Task SqsFifoEvent_StopsAtTheFirstFailure_AndReportsItAndTheRest()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("sqs-fifo.json")));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"fifo-2"},{"itemIdentifier":"fifo-3"}]}""", result.Body);
    }

    [Fact]
    public async Task KinesisEvent_ReportsTheFirstFailedSequenceNumber()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "order-placed");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("kinesis.json")));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"49650000000000000000000000000000000000000000000000000002"}]}""", result.Body);
    }

    [Fact]
    public async Task SqsEvent_ToATypedFunction_PostsAClearError()
    {
        await using var runtime = await RunningRuntime.StartAsync(s => s.AddGreeterFunctions(), handler: "greet");

        var result = await runtime.Server.ResultAsync(runtime.Server.Enqueue(Fixtures.Bytes("sqs.json")));

        Assert.Equal("Function.UnsupportedEventSource", result.ErrorType);
    }

    private static void Snapshot(string json, string? nested = null)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        if (nested is not null && node[nested]?.GetValue<string>() is { Length: > 0 } inner)
        {
            node[nested] = System.Text.Json.Nodes.JsonNode.Parse(inner);
        }

        Snapshooter.Xunit3.Snapshot.Match(Snapshots.Pretty(node));
    }
}

public sealed class KeptBodies
{
    public List<ReadOnlyMemory<byte>> Bodies { get; } = [];
}

/// <summary>Keeps every body it is given, as a function that queues work for later might.</summary>
public sealed class KeepBody(KeptBodies kept) : IEventFunction<ReadOnlyMemory<byte>>
{
    public Task HandleAsync(FunctionEvent<ReadOnlyMemory<byte>> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        lock (kept.Bodies)
        {
            kept.Bodies.Add(functionEvent.Data);
        }

        return Task.CompletedTask;
    }
}
