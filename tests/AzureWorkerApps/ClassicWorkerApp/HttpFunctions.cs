using System.Net;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace ClassicWorkerApp;

/// <summary>HTTP functions of the built-in model: the request arrives as RpcHttp, the response leaves as RpcHttp.</summary>
public sealed class HttpFunctions
{
    /// <summary>Echoes what reached it: method, route value, query, a header and the raw body.</summary>
    [Function("Echo")]
    public async Task<HttpResponseData> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "put", Route = "items/{id}")] HttpRequestData request,
        string id,
        FunctionContext context)
    {
        var body = await request.ReadAsStringAsync() ?? string.Empty;
        request.Headers.TryGetValues("x-test", out var test);
        var cookie = request.Cookies.FirstOrDefault(c => c.Name == "session")?.Value;
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "text/plain; charset=utf-8");
        response.Headers.Add("x-echo-id", id);
        response.Cookies.Append("seen", "yes");
        await response.WriteStringAsync(
            $"method={request.Method};id={id};q={request.Query["q"]};x-test={test?.FirstOrDefault()};cookie={cookie};"
            + $"url={request.Url.AbsolutePath};metaId={context.BindingContext.BindingData["id"]};body={body}");
        return response;
    }

    /// <summary>Throws: the host answers 500.</summary>
    [Function("Fail")]
    public HttpResponseData Fail([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequestData request)
        => throw new InvalidOperationException("classic boom");

    /// <summary>Answers 500 itself.</summary>
    [Function("ServerError")]
    public HttpResponseData ServerError([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequestData request)
    {
        var response = request.CreateResponse(HttpStatusCode.InternalServerError);
        response.WriteString("it broke");
        return response;
    }

    /// <summary>Reports the trace context and retry context the worker was handed.</summary>
    [Function("TraceInfo")]
    public HttpResponseData TraceInfo([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trace")] HttpRequestData request, FunctionContext context)
    {
        var response = request.CreateResponse(HttpStatusCode.OK);
        var retry = context.RetryContext is { } r ? $"{r.RetryCount}/{r.MaxRetryCount}" : "none";
        response.WriteString($"{context.TraceContext.TraceParent}|{context.TraceContext.TraceState}|{retry}|{context.InvocationId}", Encoding.UTF8);
        return response;
    }

    /// <summary>Answers with two outputs: an HTTP response and a queue message.</summary>
    [Function("Submit")]
    public Submission Submit([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequestData request)
    {
        var response = request.CreateResponse(HttpStatusCode.Accepted);
        response.WriteString("queued");
        return new Submission { Audit = "submitted", Response = response };
    }

    /// <summary>Logs at two levels and answers 200 with an empty body.</summary>
    [Function("LogSomething")]
    public void LogSomething([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequestData request, FunctionContext context)
    {
        var logger = context.GetLogger("ClassicWorkerApp.LogSomething");
        logger.LogInformation("information from {Function}", "LogSomething");
        logger.LogWarning("warning from {Function}", "LogSomething");
    }
}

/// <summary>A multi-output result: the HTTP response and a queue message.</summary>
public sealed class Submission
{
    /// <summary>Gets or sets the queue message.</summary>
    [QueueOutput("audit")]
    public string? Audit { get; set; }

    /// <summary>Gets or sets the HTTP response.</summary>
    [HttpResult]
    public HttpResponseData? Response { get; set; }
}
