using System.Collections.Concurrent;
using System.Globalization;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ClassicWorkerApp;

/// <summary>Queue, timer and blob triggers.</summary>
public sealed class TriggerFunctions
{
    private static readonly ConcurrentDictionary<string, Rendezvous> Rendezvous = new();

    /// <summary>Answers with the message and the trigger metadata the host sent; "fail" throws.</summary>
    [Function("ProcessOrder")]
    [QueueOutput("orders-out")]
    public string ProcessOrder([QueueTrigger("orders")] string message, FunctionContext context)
    {
        if (message == "fail")
        {
            throw new InvalidOperationException("order rejected: " + message);
        }

        var data = context.BindingContext.BindingData;
        string Read(string key) => data.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null" : "missing";
        context.GetLogger("ClassicWorkerApp.ProcessOrder").LogInformation("processing {Message}", message);
        return $"message={message};Id={Read("Id")};DequeueCount={Read("DequeueCount")};PopReceipt={Read("PopReceipt")};"
            + $"InsertionTime={Read("InsertionTime")};ExpirationTime={Read("ExpirationTime")};NextVisibleTime={Read("NextVisibleTime")};"
            + $"QueueTrigger={Read("QueueTrigger")}";
    }

    /// <summary>Binds the SDK's <see cref="QueueMessage"/>, which the host sends as model binding data.</summary>
    [Function("ProcessQueueMessage")]
    [QueueOutput("typed-out")]
    public string ProcessQueueMessage([QueueTrigger("typed")] QueueMessage message)
        => $"{message.MessageId}|{message.DequeueCount}|{message.PopReceipt}|{message.Body}";

    /// <summary>Waits on the invocation's cancellation token until the host cancels it.</summary>
    [Function("WaitForCancel")]
    public async Task WaitForCancel([QueueTrigger("slow")] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        var logger = context.GetLogger("ClassicWorkerApp.WaitForCancel");
        logger.LogInformation("waiting: {Message}", message);
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("cancellation reached the function");
            throw;
        }
    }

    /// <summary>Returns only once every invocation of its group is inside at the same time: proves concurrency without timing.</summary>
    [Function("Rendezvous")]
    [QueueOutput("rendezvous-out")]
    public async Task<string> Meet([QueueTrigger("rendezvous")] string message)
    {
        // message: "<group>:<expected>:<member>"
        var parts = message.Split(':');
        var gate = Rendezvous.GetOrAdd(parts[0], _ => new Rendezvous(int.Parse(parts[1], CultureInfo.InvariantCulture)));
        await gate.ArriveAsync();
        return "met:" + parts[2];
    }

    /// <summary>Ends the worker process in the middle of an invocation.</summary>
    [Function("Crash")]
    public void Crash([QueueTrigger("crash")] string message) => Environment.Exit(3);

    /// <summary>Logs what the timer tick carried.</summary>
    [Function("Tick")]
    public void Tick([TimerTrigger("0 */5 * * * *")] TimerInfo timer, FunctionContext context)
        => context.GetLogger("ClassicWorkerApp.Tick").LogInformation(
            "tick: pastDue={PastDue}; last={Last:O}; next={Next:O}",
            timer.IsPastDue,
            timer.ScheduleStatus?.Last,
            timer.ScheduleStatus?.Next);

    /// <summary>A blob trigger: content from the input, name from the trigger metadata.</summary>
    [Function("OnBlob")]
    [QueueOutput("blobs-out")]
    public string OnBlob([BlobTrigger("samples/{name}")] string content, string name, FunctionContext context)
        => $"{name}:{content}:{context.BindingContext.BindingData["BlobTrigger"]}";
}

internal sealed class Rendezvous(int expected)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == expected)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
