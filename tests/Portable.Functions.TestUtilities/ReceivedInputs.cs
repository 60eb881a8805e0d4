using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.TestUtilities;

/// <summary>
/// What the functions of a host under test received, recorded by <see cref="RecordingMiddleware"/> after each function
/// ran: lets a test assert the ids, attributes and data an event function saw — not only the status it answered —
/// without changing the function.
/// </summary>
public sealed class ReceivedInputs
{
    private readonly ConcurrentQueue<(string Function, object Input)> _inputs = new();

    /// <summary>Gets every input recorded so far, in the order the functions finished.</summary>
    public IReadOnlyList<(string Function, object Input)> All => [.. _inputs];

    /// <summary>Gets the events of type <typeparamref name="TData"/> received so far.</summary>
    /// <typeparam name="TData">The event data type.</typeparam>
    /// <returns>The events.</returns>
    public IReadOnlyList<FunctionEvent<TData>> Events<TData>() => [.. _inputs.Select(i => i.Input).OfType<FunctionEvent<TData>>()];

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => _inputs.Clear();

    internal void Add(string function, object input) => _inputs.Enqueue((function, input));
}

/// <summary>Records the bound input of every invocation whose function ran into <see cref="ReceivedInputs"/>.</summary>
/// <param name="received">Where to record.</param>
public sealed class RecordingMiddleware(ReceivedInputs received) : IFunctionMiddleware
{
    /// <inheritdoc/>
    public async Task InvokeAsync(FunctionContext context, FunctionInvocationDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (context.Input is { } input)
            {
                received.Add(context.FunctionName, input);
            }
        }
    }
}

/// <summary>Registers the recorder.</summary>
public static class ReceivedInputsServiceCollectionExtensions
{
    /// <summary>Records what every function receives into the singleton <see cref="ReceivedInputs"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="into">The recorder to use, for hosts that build their own service provider; else a new one.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddInputRecorder(this IServiceCollection services, ReceivedInputs? into = null)
    {
        services.AddSingleton(into ?? new ReceivedInputs());
        return services.AddPortableFunctions(f => f.UseMiddleware<RecordingMiddleware>());
    }
}
