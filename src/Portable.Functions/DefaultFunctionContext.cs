using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Portable.Functions;

/// <summary>The one <see cref="FunctionContext"/> implementation, created by the core for each invocation.</summary>
internal sealed class DefaultFunctionContext : FunctionContext
{
    private readonly FunctionInvocation? _invocation;
    private Dictionary<object, object?>? _items;

    public DefaultFunctionContext(
        FunctionInvoker function,
        string invocationId,
        FunctionInvocation? invocation,
        DateTimeOffset? deadline,
        IServiceProvider services,
        ILogger logger,
        Activity? activity,
        ActivityContext traceContext,
        bool isColdStart,
        FunctionHttpContext? http,
        object? input,
        CancellationToken cancellationToken)
    {
        Function = function;
        InvocationId = invocationId;
        _invocation = invocation;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        Services = services;
        Logger = logger;
        Activity = activity;
        TraceContext = traceContext;
        IsColdStart = isColdStart;
        Http = http;
        Input = input;
    }

    public FunctionInvoker Function { get; }

    public override string InvocationId { get; }

    public override string FunctionName => Function.Name;

    public override FunctionKind FunctionKind => Function.Kind;

    public override FunctionProvider Provider => _invocation?.Provider ?? FunctionProvider.Local;

    public override DateTimeOffset? Deadline { get; }

    public override CancellationToken CancellationToken { get; }

    public override IServiceProvider Services { get; }

    public override ILogger Logger { get; }

    public override Activity? Activity { get; }

    public override ActivityContext TraceContext { get; }

    public override bool IsColdStart { get; }

    public override IDictionary<object, object?> Items => _items ??= [];

    public override FunctionHttpContext? Http { get; }

    public override object? Input { get; }

    /// <summary>Gets or sets what the function returned (the typed response or the HTTP response).</summary>
    public object? Output { get; set; }

    /// <summary>Gets or sets whether the function itself ran (middleware may skip it).</summary>
    public bool FunctionRan { get; set; }

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
