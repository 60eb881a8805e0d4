using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// What the generated <c>[Function]</c> methods call: one method per trigger, each handing the worker's input to the
/// registered Portable.Functions function of that name. You do not call these yourself — declare a
/// <c>&lt;PortableFunction&gt;</c> item per function in the project file (see <c>docs/adapters/azure-functions.md</c>) —
/// but a hand-written <c>[Function]</c> method may delegate to them just the same.
/// </summary>
public static class AzureFunctionsEntryPoint
{
    /// <summary>Serves an HTTP-triggered function with the ASP.NET Core integration: the response is written to the request's <c>HttpContext</c>.</summary>
    /// <param name="functionName">The registered function's name.</param>
    /// <param name="request">The request.</param>
    /// <param name="context">The worker's invocation context.</param>
    /// <returns>An empty result: the response has been written.</returns>
    /// <exception cref="InvalidOperationException">No function has that name.</exception>
    public static Task<IActionResult> HttpAsync(string functionName, HttpRequest request, WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DispatcherOf(context).HttpAsync(functionName, request, context);
    }

    /// <summary>Serves an HTTP-triggered function with the built-in model (<see cref="HttpRequestData"/>).</summary>
    /// <param name="functionName">The registered function's name.</param>
    /// <param name="request">The request.</param>
    /// <param name="context">The worker's invocation context.</param>
    /// <returns>The response.</returns>
    /// <exception cref="InvalidOperationException">No function has that name.</exception>
    public static Task<HttpResponseData> HttpAsync(string functionName, HttpRequestData request, WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DispatcherOf(context).HttpAsync(functionName, request, context);
    }

    /// <summary>Handles a Storage Queue message with an event function.</summary>
    /// <param name="functionName">The registered function's name.</param>
    /// <param name="queueName">The queue's name, as the trigger declares it (an <c>%app setting%</c> is resolved).</param>
    /// <param name="message">The message text.</param>
    /// <param name="context">The worker's invocation context, whose trigger metadata gives the message's id, dequeue count and times.</param>
    /// <returns>A task that completes when the message is handled.</returns>
    /// <exception cref="FunctionFailedException">The message was not handled: the platform retries it, then poison-queues it.</exception>
    public static Task QueueAsync(string functionName, string queueName, string message, WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        return DispatcherOf(context).QueueAsync(functionName, queueName, message, context);
    }

    /// <summary>Handles a new or updated blob with an event function.</summary>
    /// <param name="functionName">The registered function's name.</param>
    /// <param name="content">The blob's content.</param>
    /// <param name="context">The worker's invocation context, whose trigger metadata gives the blob's path, URI and properties.</param>
    /// <returns>A task that completes when the blob is handled.</returns>
    /// <exception cref="FunctionFailedException">The blob was not handled: the platform retries it.</exception>
    public static Task BlobAsync(string functionName, byte[] content, WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        return DispatcherOf(context).BlobAsync(functionName, content, context);
    }

    /// <summary>Handles a timer tick with an event function.</summary>
    /// <param name="functionName">The registered function's name.</param>
    /// <param name="timer">The timer's state.</param>
    /// <param name="context">The worker's invocation context.</param>
    /// <returns>A task that completes when the tick is handled.</returns>
    /// <exception cref="FunctionFailedException">The tick was not handled.</exception>
    public static Task TimerAsync(string functionName, TimerInfo timer, WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return DispatcherOf(context).TimerAsync(functionName, timer, context);
    }

    /// <summary>
    /// Handles an event you built yourself with an event function: the escape hatch for a trigger the package does not
    /// generate (a Service Bus or Event Hubs trigger in your own <c>[Function]</c> method, say). The invocation is the
    /// worker's — its id, cancellation, trace context and scope — like every other.
    /// </summary>
    /// <param name="functionName">The registered function's name.</param>
    /// <param name="envelope">The event, with its undecoded data.</param>
    /// <param name="context">The worker's invocation context.</param>
    /// <param name="trigger">What triggered it, for tracing.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    /// <exception cref="FunctionFailedException">The event was not handled: the platform retries it.</exception>
    public static Task EventAsync(string functionName, FunctionEventEnvelope envelope, WorkerContext context, FunctionTrigger trigger = FunctionTrigger.PubSub)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return DispatcherOf(context).EventAsync(functionName, envelope, trigger, context);
    }

    private static AzureFunctionsDispatcher DispatcherOf(WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetService<AzureFunctionsDispatcher>()
            ?? throw new InvalidOperationException("Portable.Functions is not registered in the worker: call services.AddPortableFunctionsAzureFunctions() in Program.cs.");
    }
}
