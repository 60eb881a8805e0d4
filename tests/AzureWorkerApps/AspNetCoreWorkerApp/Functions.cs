using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace AspNetCoreWorkerApp;

/// <summary>HTTP functions of the ASP.NET Core integration, and one queue trigger beside them.</summary>
public sealed class Functions
{
    /// <summary>Greets by route value, reading a query value, a header and the body.</summary>
    [Function("Greet")]
    public async Task<IActionResult> Greet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "greet/{name}")] HttpRequest request,
        string name,
        FunctionContext context)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        request.HttpContext.Response.Headers["x-greeted"] = name;
        context.GetLogger("AspNetCoreWorkerApp.Greet").LogInformation("greeting {Name}", name);
        return new OkObjectResult(new GreetResponse($"Hello, {name}!", request.Query["q"].ToString(), request.Headers["x-test"].ToString(), body, request.Path));
    }

    /// <summary>Answers 500 with a body.</summary>
    [Function("ServerError")]
    public IActionResult ServerError([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request)
        => new ObjectResult("it broke") { StatusCode = StatusCodes.Status500InternalServerError };

    /// <summary>Throws.</summary>
    [Function("Fail")]
    public IActionResult Fail([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request)
        => throw new InvalidOperationException("aspnetcore boom");

    /// <summary>Reports the trace context the worker was handed.</summary>
    [Function("TraceInfo")]
    public IActionResult TraceInfo([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trace")] HttpRequest request, FunctionContext context)
        => new OkObjectResult($"{context.TraceContext.TraceParent}|{context.TraceContext.TraceState}|{context.InvocationId}");

    /// <summary>Waits on the invocation's cancellation token.</summary>
    [Function("Slow")]
    public async Task<IActionResult> Slow([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            context.GetLogger("AspNetCoreWorkerApp.Slow").LogWarning("cancellation reached the function");
            throw;
        }

        return new OkResult();
    }

    /// <summary>A queue trigger in the same app.</summary>
    [Function("Enqueued")]
    public void Enqueued([QueueTrigger("work")] string message, FunctionContext context)
    {
        if (message == "fail")
        {
            throw new InvalidOperationException("work rejected");
        }

        context.GetLogger("AspNetCoreWorkerApp.Enqueued").LogInformation("work: {Message}", message);
    }
}

/// <summary>The greeting.</summary>
public sealed record GreetResponse(string Message, string Query, string Header, string Body, string Path);
