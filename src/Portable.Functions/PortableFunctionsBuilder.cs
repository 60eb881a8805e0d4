using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portable.Functions;

/// <summary>Registers functions, serializer contexts and middleware; obtained from <c>AddPortableFunctions</c>.</summary>
public sealed class PortableFunctionsBuilder
{
    internal PortableFunctionsBuilder(IServiceCollection services, FunctionRegistrations registrations)
    {
        Services = services;
        Registrations = registrations;
    }

    /// <summary>Gets the service collection the functions are registered in.</summary>
    public IServiceCollection Services { get; }

    internal FunctionRegistrations Registrations { get; }

    /// <summary>Registers a typed function.</summary>
    /// <typeparam name="TFunction">The function type, resolved from the invocation's scope.</typeparam>
    /// <typeparam name="TRequest">The request type; it must be in a registered <see cref="JsonSerializerContext"/>.</typeparam>
    /// <typeparam name="TResponse">The response type; it must be in a registered <see cref="JsonSerializerContext"/>.</typeparam>
    /// <param name="name">The function's name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name or is already taken.</exception>
    public PortableFunctionsBuilder AddFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction, TRequest, TResponse>(string name)
        where TFunction : class, IFunction<TRequest, TResponse>
    {
        Registrations.Add(new FunctionRegistration(name, FunctionKind.Typed, typeof(TFunction), typeof(TRequest), typeof(TResponse),
            static (registration, shared) => new TypedFunctionInvoker<TFunction, TRequest, TResponse>(registration, shared),
            static (json, name) =>
            {
                json.Get<TRequest>(name);
                json.Get<TResponse>(name);
            }));
        Services.TryAddTransient<TFunction>();
        return this;
    }

    /// <summary>Registers an event function.</summary>
    /// <typeparam name="TFunction">The function type, resolved from the invocation's scope.</typeparam>
    /// <typeparam name="TData">The event data type; it must be in a registered <see cref="JsonSerializerContext"/> unless it is <see cref="string"/>, <see cref="byte"/>[] or a portable data type.</typeparam>
    /// <param name="name">The function's name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name or is already taken.</exception>
    public PortableFunctionsBuilder AddEventFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction, TData>(string name)
        where TFunction : class, IEventFunction<TData>
    {
        Registrations.Add(new FunctionRegistration(name, FunctionKind.Event, typeof(TFunction), typeof(TData), null,
            static (registration, shared) => new EventFunctionInvoker<TFunction, TData>(registration, shared),
            EventFunctionInvoker<TFunction, TData>.ReadsJson ? static (json, name) => json.Get<TData>(name) : null));
        Services.TryAddTransient<TFunction>();
        return this;
    }

    /// <summary>Registers an HTTP function.</summary>
    /// <typeparam name="TFunction">The function type, resolved from the invocation's scope.</typeparam>
    /// <param name="name">The function's name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name or is already taken.</exception>
    public PortableFunctionsBuilder AddHttpFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(string name)
        where TFunction : class, IHttpFunction
    {
        Registrations.Add(new FunctionRegistration(name, FunctionKind.Http, typeof(TFunction), typeof(FunctionHttpRequest), typeof(FunctionHttpResponse),
            static (registration, shared) => new HttpFunctionInvoker<TFunction>(registration, shared)));
        Services.TryAddTransient<TFunction>();
        return this;
    }

    /// <summary>
    /// Registers a source-generated serializer context that knows the functions' request, response and data types.
    /// Contexts are consulted in registration order.
    /// </summary>
    /// <param name="context">The context, usually <c>MyJsonContext.Default</c>.</param>
    /// <returns>This builder, for chaining.</returns>
    public PortableFunctionsBuilder UseJsonContext(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Registrations.JsonContexts.Add(context);
        return this;
    }

    /// <summary>Adds middleware that runs around every invocation, in the order added.</summary>
    /// <typeparam name="TMiddleware">
    /// The middleware type, resolved from each invocation's scope with the lifetime it is registered with; when it is
    /// not registered, it is registered as transient — a new instance per invocation, free to depend on scoped services.
    /// </typeparam>
    /// <returns>This builder, for chaining.</returns>
    public PortableFunctionsBuilder UseMiddleware<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMiddleware>()
        where TMiddleware : class, IFunctionMiddleware
    {
        Services.TryAddTransient<TMiddleware>();
        Registrations.Middleware.Add(static next => context =>
            context.Services.GetRequiredService<TMiddleware>().InvokeAsync(context, next));
        return this;
    }

    /// <summary>Adds inline middleware that runs around every invocation, in the order added.</summary>
    /// <param name="middleware">The middleware: it receives the context and the rest of the pipeline.</param>
    /// <returns>This builder, for chaining.</returns>
    public PortableFunctionsBuilder Use(Func<FunctionContext, FunctionInvocationDelegate, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        Registrations.Middleware.Add(next => context => middleware(context, next));
        return this;
    }

    /// <summary>Configures the options shared by every function.</summary>
    /// <param name="configure">The configuration callback.</param>
    /// <returns>This builder, for chaining.</returns>
    public PortableFunctionsBuilder Configure(Action<FunctionsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
