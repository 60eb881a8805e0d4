using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// Routes the worker's invocations to the registered functions: HTTP through the shared ASP.NET Core layer (one
/// <see cref="AzureRequestHandler"/> per function, built once), events through <see cref="AzureEvents"/> and the
/// function's invoker. Everything else — binding, errors, deadlines, tracing, middleware — is the core's.
/// </summary>
internal sealed class AzureFunctionsDispatcher
{
    /// <summary>What the ASP.NET Core integration answers with once the response is written: it holds no state to share.</summary>
    private static readonly EmptyResult Empty = new();

    private static readonly Task<IActionResult> Written = Task.FromResult<IActionResult>(Empty);

    private readonly Dictionary<string, AzureRequestHandler> _handlers = new(StringComparer.OrdinalIgnoreCase);
    private readonly FunctionCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly IConfiguration? _configuration;

    public AzureFunctionsDispatcher(FunctionCatalog catalog, IOptions<AzureFunctionsOptions> options, TimeProvider time, IServiceProvider services)
    {
        _catalog = catalog;
        _time = time;
        _configuration = services.GetService(typeof(IConfiguration)) as IConfiguration;
        foreach (var function in catalog.Functions)
        {
            _handlers[function.Name] = new AzureRequestHandler(function, options.Value.MaxRequestBodySize);
        }
    }

    public Task<IActionResult> HttpAsync(string functionName, HttpRequest request, WorkerContext context)
    {
        if (!_handlers.TryGetValue(functionName, out var handler))
        {
            return Task.FromException<IActionResult>(NotRegistered(functionName));
        }

        // The response is written: the core never throws, so no failure becomes an empty 200. A request served without
        // waiting (the usual case: the body was there to read) answers with the one cached, stateless result.
        var handling = handler.For(context, classic: null).HandleAsync(request.HttpContext);
        return handling.IsCompletedSuccessfully ? Written : WrittenAsync(handling);
    }

    public async Task<HttpResponseData> HttpAsync(string functionName, HttpRequestData request, WorkerContext context)
    {
        var handler = HandlerOf(functionName);
        using var body = new ResponseBuffer(); // its pooled buffer goes back once the worker's response has its copy
        var http = HttpRequestDataAdapter.ToHttpContext(request, body);
        await handler.For(context, request).HandleAsync(http).ConfigureAwait(false);
        return await HttpRequestDataAdapter.ToResponseDataAsync(http, request, body).ConfigureAwait(false);
    }

    public Task QueueAsync(string functionName, string queueName, string message, WorkerContext context) =>
        InvokeEventAsync(functionName, AzureEvents.Queue(Resolve(queueName), message, context), FunctionTrigger.PubSub, context);

    public Task BlobAsync(string functionName, byte[] content, WorkerContext context) =>
        InvokeEventAsync(functionName, AzureEvents.Blob(content, context), FunctionTrigger.DataSource, context);

    public Task TimerAsync(string functionName, TimerInfo timer, WorkerContext context) =>
        InvokeEventAsync(functionName, AzureEvents.Timer(functionName, timer, _time.GetUtcNow(), context), FunctionTrigger.Timer, context);

    public Task EventAsync(string functionName, FunctionEventEnvelope envelope, FunctionTrigger trigger, WorkerContext context) =>
        InvokeEventAsync(functionName, envelope, trigger, context);

    private async Task InvokeEventAsync(string functionName, FunctionEventEnvelope envelope, FunctionTrigger trigger, WorkerContext context)
    {
        var function = FunctionOf(functionName);
        if (function.Kind != FunctionKind.Event)
        {
            throw new InvalidOperationException(
                $"Function '{function.Name}' is a {function.Kind.ToString().ToLowerInvariant()} function; a {trigger.ToString().ToLowerInvariant()} trigger needs an event function (IEventFunction<TData>).");
        }

        var result = await function.InvokeEventAsync(envelope, AzureRequestHandler.CreateInvocation(context, trigger, null), CancellationToken.None).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return;
        }

        // The function's own exception goes to the host as it is, so the platform's logs name its type; anything
        // else (a message that does not bind, a timeout) is reported with the problem the core made.
        if (result.Status == FunctionStatus.Failed && result.Exception is { } exception and not FunctionProblemException)
        {
            ExceptionDispatchInfo.Capture(exception).Throw();
        }

        throw new FunctionFailedException(result);
    }

    private static async Task<IActionResult> WrittenAsync(Task handling)
    {
        await handling.ConfigureAwait(false);
        return Empty;
    }

    private AzureRequestHandler HandlerOf(string functionName) =>
        _handlers.TryGetValue(functionName, out var handler) ? handler : throw NotRegistered(functionName);

    private FunctionInvoker FunctionOf(string functionName) =>
        _catalog.TryGet(functionName, out var function) ? function : throw NotRegistered(functionName);

    private InvalidOperationException NotRegistered(string functionName)
    {
        var names = string.Join(", ", _catalog.Functions.Select(static f => f.Name));
        return new InvalidOperationException($"No Portable.Functions function is named '{functionName}'. Registered functions: {names}.");
    }

    /// <summary>A trigger's <c>%setting%</c> name, as the platform resolves it.</summary>
    private string Resolve(string value) =>
        value is ['%', .. var name, '%'] && _configuration?[name] is { Length: > 0 } resolved ? resolved : value;
}
