using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions;

/// <summary>Invokes an <see cref="IEventFunction{TData}"/>: binds the envelope's data and reports the outcome.</summary>
internal sealed class EventFunctionInvoker<TFunction, TData> : FunctionInvoker
    where TFunction : class, IEventFunction<TData>
{
    private readonly JsonTypeInfo<TData>? _dataType;

    public EventFunctionInvoker(FunctionRegistration registration, InvokerServices shared)
        : base(registration, shared)
    {
        if (typeof(TData) != typeof(byte[]) && typeof(TData) != typeof(ReadOnlyMemory<byte>))
        {
            _dataType = shared.Json.Get<TData>(registration.Name);
        }
    }

    public override async Task<FunctionEventResult> InvokeEventAsync(FunctionEventEnvelope envelope, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var invocationId = GivenInvocationId(invocation);

        TData data;
        try
        {
            if (!TryBind(envelope, out data!))
            {
                invocationId ??= NewInvocationId();
                var problem = RejectInput(invocationId, 400, "Missing event data", $"Function '{Name}' needs event data.");
                return FunctionEventResult.Failure(FunctionEventStatus.Rejected, invocationId, problem, null);
            }
        }
        catch (JsonException exception)
        {
            invocationId ??= NewInvocationId();
            return FunctionEventResult.Failure(FunctionEventStatus.Rejected, invocationId, BindingProblem(invocationId, "event data", exception), exception);
        }

        var functionEvent = new FunctionEvent<TData>(envelope.Id, envelope.Source, envelope.Type, data)
        {
            SpecVersion = envelope.SpecVersion,
            Subject = envelope.Subject,
            Time = envelope.Time,
            DataContentType = envelope.DataContentType,
            DataSchema = envelope.DataSchema,
            Extensions = envelope.Extensions,
        };

        var traceState = envelope.Extensions.TryGetValue("tracestate", out var state) ? state : null;
        var outcome = await RunAsync(invocationId, functionEvent, null, invocation, FunctionTrigger.PubSub, envelope.TraceParent, traceState, cancellationToken).ConfigureAwait(false);
        return outcome.Failure is { } failure
            ? FunctionEventResult.Failure(failure.Status, outcome.Context.InvocationId, failure.Problem, failure.Exception)
            : FunctionEventResult.Success();
    }

    private protected override Task ExecuteFunctionAsync(DefaultFunctionContext context)
    {
        var function = context.Services.GetRequiredService<TFunction>();
        return function.HandleAsync((FunctionEvent<TData>)context.Input!, context, context.CancellationToken);
    }

    private bool TryBind(FunctionEventEnvelope envelope, out TData? data)
    {
        var bytes = envelope.Data;
        if (typeof(TData) == typeof(byte[]))
        {
            data = (TData)(object)bytes.ToArray();
            return true;
        }

        if (typeof(TData) == typeof(ReadOnlyMemory<byte>))
        {
            data = (TData)(object)bytes;
            return true;
        }

        if (typeof(TData) == typeof(string) && !LooksLikeJsonString(envelope.DataContentType, bytes.Span))
        {
            data = (TData)(object)Encoding.UTF8.GetString(bytes.Span);
            return true;
        }

        if (bytes.IsEmpty)
        {
            data = default;
            return false;
        }

        data = JsonSerializer.Deserialize(bytes.Span, _dataType!);
        return data is not null;
    }

    /// <summary>A string is read as JSON only when the data is declared JSON (or undeclared) and is a JSON string literal.</summary>
    private static bool LooksLikeJsonString(string? contentType, ReadOnlySpan<byte> bytes)
    {
        if (contentType is not null && !MediaTypes.IsJson(contentType))
        {
            return false;
        }

        var trimmed = bytes.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] == (byte)'"';
    }
}
