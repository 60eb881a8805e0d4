using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>The one <see cref="FunctionContext"/> implementation, created by the core for each invocation.</summary>
internal sealed class DefaultFunctionContext : FunctionContext, IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly FunctionInvocation? _invocation;
    private Dictionary<object, object?>? _items;
    private string? _invocationId;
    private Activity? _activity;
    private ActivityContext _traceContext;
    private object? _input;
    private FunctionProblemException? _bindingFailure;
    private FunctionHttpContext? _http;

    public DefaultFunctionContext(
        FunctionInvoker function,
        string? invocationId,
        FunctionInvocation? invocation,
        DateTimeOffset? deadline,
        IServiceProvider services,
        bool isColdStart,
        FunctionHttpRequest? httpRequest,
        object rawInput,
        CancellationToken cancellationToken)
    {
        Function = function;
        _invocationId = invocationId;
        _invocation = invocation;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        Services = services;
        IsColdStart = isColdStart;
        HttpRequest = httpRequest;
        RawInput = rawInput;
    }

    public FunctionInvoker Function { get; }

    /// <summary>Gets what the adapter handed over: the <see cref="FunctionHttpRequest"/> or the <see cref="FunctionEventEnvelope"/>.</summary>
    public object RawInput { get; }

    /// <remarks>When the platform gave no id, one is generated the first time anything reads it.</remarks>
    public override string InvocationId
    {
        get
        {
            var id = Volatile.Read(ref _invocationId);
            return id ?? Interlocked.CompareExchange(ref _invocationId, FunctionInvoker.NewInvocationId(), null) ?? _invocationId!;
        }
    }

    public override string FunctionName => Function.Name;

    public override FunctionKind FunctionKind => Function.Kind;

    public override FunctionProvider Provider => _invocation?.Provider ?? FunctionProvider.Local;

    public override DateTimeOffset? Deadline { get; }

    public override CancellationToken CancellationToken { get; }

    public override IServiceProvider Services { get; }

    public override ILogger Logger => Function.Logger;

    public override Activity? Activity => _activity;

    public override ActivityContext TraceContext => _traceContext;

    public override bool IsColdStart { get; }

    public override IDictionary<object, object?> Items => _items ??= [];

    /// <remarks>
    /// Made the first time anything asks for it (most functions never do): until then <see cref="HttpIfCreated"/> is
    /// <see langword="null"/> and nothing was asked of the response.
    /// </remarks>
    public override FunctionHttpContext? Http
    {
        get
        {
            if (HttpRequest is null)
            {
                return null;
            }

            return Volatile.Read(ref _http) ?? Interlocked.CompareExchange(ref _http, new FunctionHttpContext(HttpRequest), null) ?? _http!;
        }
    }

    /// <summary>Gets the HTTP request of an invocation that arrived over HTTP, or <see langword="null"/>.</summary>
    public FunctionHttpRequest? HttpRequest { get; }

    /// <summary>Gets the HTTP context if anything asked for it (and so may have set a status, headers or cookies), else <see langword="null"/>.</summary>
    public FunctionHttpContext? HttpIfCreated => Volatile.Read(ref _http);

    public override object? Input => _input;

    /// <summary>Gets or sets what the function returned (the typed response or the HTTP response).</summary>
    public object? Output { get; set; }

    /// <summary>Gets or sets whether the function itself ran (middleware may skip it).</summary>
    public bool FunctionRan { get; set; }

    public override object BindInput()
    {
        if (_input is { } input)
        {
            return input;
        }

        if (_bindingFailure is { } failure)
        {
            throw failure;
        }

        try
        {
            return _input = Function.BindInput(this);
        }
        catch (FunctionProblemException exception)
        {
            _bindingFailure = exception;
            throw;
        }
    }

    public void SetTrace(Activity? activity, ActivityContext traceContext)
    {
        _activity = activity;
        _traceContext = traceContext;
    }

    /// <summary>The logger scope of the invocation: its id and the function's name.</summary>
    int IReadOnlyCollection<KeyValuePair<string, object?>>.Count => 2;

    KeyValuePair<string, object?> IReadOnlyList<KeyValuePair<string, object?>>.this[int index] => index switch
    {
        0 => new("InvocationId", InvocationId),
        1 => new("FunctionName", FunctionName),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override string ToString() => $"InvocationId:{InvocationId} FunctionName:{FunctionName}";

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator()
    {
        yield return new("InvocationId", InvocationId);
        yield return new("FunctionName", FunctionName);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, object?>>)this).GetEnumerator();

    public override T? GetFeature<T>()
        where T : class
    {
        if (_invocation?.GetFeature<T>() is { } feature)
        {
            return feature;
        }

        return this as T;
    }
}
