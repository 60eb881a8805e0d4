using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions;

/// <summary>Invokes an <see cref="IHttpFunction"/>: the request passes through unmodified.</summary>
internal sealed class HttpFunctionInvoker<TFunction> : FunctionInvoker
    where TFunction : class, IHttpFunction
{
    public HttpFunctionInvoker(FunctionRegistration registration, InvokerServices shared)
        : base(registration, shared)
    {
    }

    internal override object BindInput(DefaultFunctionContext context) => (FunctionHttpRequest)context.RawInput;

    internal override async Task ExecuteAsync(DefaultFunctionContext context, object input)
    {
        var function = context.Services.GetRequiredService<TFunction>();
        context.Output = await function.HandleAsync((FunctionHttpRequest)input, context, context.CancellationToken).ConfigureAwait(false);
    }

    internal override FunctionHttpResponse CreateResponse(DefaultFunctionContext context) =>
        context.Output as FunctionHttpResponse ?? FunctionHttpResponse.Empty(context.HttpIfCreated?.ResponseStatusCode ?? 204);
}
