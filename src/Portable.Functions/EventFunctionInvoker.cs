using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions;

/// <summary>Invokes an <see cref="IEventFunction{TData}"/>: binds the event's data and runs the function.</summary>
internal sealed class EventFunctionInvoker<TFunction, TData> : FunctionInvoker
    where TFunction : class, IEventFunction<TData>
{
    private readonly JsonTypeInfo<TData>? _dataType;

    /// <summary>Gets a value indicating whether the data is read as JSON (raw bytes are taken as they are).</summary>
    public static bool ReadsJson => typeof(TData) != typeof(byte[]) && typeof(TData) != typeof(ReadOnlyMemory<byte>);

    public EventFunctionInvoker(FunctionRegistration registration, InvokerServices shared)
        : base(registration, shared)
    {
        if (ReadsJson)
        {
            _dataType = shared.Json.Get<TData>(registration.Name);
        }
    }

    internal override object BindInput(DefaultFunctionContext context)
    {
        var envelope = context.RawInput as FunctionEventEnvelope ?? FromHttpRequest(context, (FunctionHttpRequest)context.RawInput);
        return new FunctionEvent<TData>(envelope.Id, envelope.Source, envelope.Type, BindData(envelope))
        {
            SpecVersion = envelope.SpecVersion,
            Subject = envelope.Subject,
            Time = envelope.Time,
            DataContentType = envelope.DataContentType,
            DataSchema = envelope.DataSchema,
            Extensions = envelope.Extensions,
        };
    }

    internal override Task ExecuteAsync(DefaultFunctionContext context, object input)
    {
        var function = context.Services.GetRequiredService<TFunction>();
        return function.HandleAsync((FunctionEvent<TData>)input, context, context.CancellationToken);
    }

    /// <summary>A handled event answers 204 where it came over HTTP; elsewhere the result needs no response.</summary>
    internal override FunctionHttpResponse? CreateResponse(DefaultFunctionContext context) =>
        context.HttpRequest is null ? null : FunctionHttpResponse.Empty(204);

    /// <summary>A plain HTTP request to an event function: a <c>POST</c> whose body is the event's data.</summary>
    private FunctionEventEnvelope FromHttpRequest(DefaultFunctionContext context, FunctionHttpRequest request)
    {
        HttpBinding.RequirePost(context, request);
        return new FunctionEventEnvelope
        {
            Id = context.InvocationId,
            Source = request.Path,
            Type = FunctionEvent.HttpRequestType,
            Time = Time.GetUtcNow(),
            DataContentType = request.ContentType ?? MediaTypes.Json,
            Data = request.Body,
        };
    }

    private TData BindData(FunctionEventEnvelope envelope)
    {
        var bytes = envelope.Data;
        var contentType = envelope.DataContentType;
        if (envelope.BoundData is TData value)
        {
            return value;
        }

        if (envelope.BoundData is { } bound && bytes.IsEmpty)
        {
            // No encoded data beside the portable value (an S3 record, a schedule): other data types receive it as JSON.
            var info = PortableFunctionsJsonContext.Default.GetTypeInfo(bound.GetType())
                ?? throw new InvalidOperationException($"The event's bound data is a {bound.GetType()}, which is not a portable data type.");
            bytes = JsonSerializer.SerializeToUtf8Bytes(bound, info);
            contentType = MediaTypes.Json;
        }

        if (typeof(TData) == typeof(byte[]))
        {
            return (TData)(object)bytes.ToArray();
        }

        if (typeof(TData) == typeof(ReadOnlyMemory<byte>))
        {
            return (TData)(object)bytes;
        }

        if (typeof(TData) == typeof(string) && !LooksLikeJsonString(contentType, bytes.Span))
        {
            return (TData)(object)Encoding.UTF8.GetString(bytes.Span);
        }

        if (bytes.IsEmpty)
        {
            throw new FunctionProblemException(FunctionProblems.MissingInput("Missing event data", $"Function '{Name}' needs event data."));
        }

        if (!MediaTypes.IsReadableAsJson(contentType))
        {
            throw new FunctionProblemException(FunctionProblems.UnsupportedMediaType(
                $"Function '{Name}' reads JSON event data; the event's data is '{contentType}'."));
        }

        TData? data;
        try
        {
            data = JsonSerializer.Deserialize(bytes.Span, _dataType!);
        }
        catch (JsonException exception)
        {
            throw new FunctionProblemException(FunctionProblems.Binding(Name, "event data", exception, _dataType!, bytes.Span), exception);
        }

        return data ?? throw new FunctionProblemException(FunctionProblems.MissingInput("Missing event data", $"Function '{Name}' needs event data, not null."));
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
