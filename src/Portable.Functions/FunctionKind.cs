namespace Portable.Functions;

/// <summary>The shape of a registered function.</summary>
public enum FunctionKind
{
    /// <summary>An <see cref="IFunction{TRequest, TResponse}"/>: typed request in, typed response out.</summary>
    Typed = 0,

    /// <summary>An <see cref="IEventFunction{TData}"/>: one event in.</summary>
    Event = 1,

    /// <summary>An <see cref="IHttpFunction"/>: full HTTP control.</summary>
    Http = 2,
}
