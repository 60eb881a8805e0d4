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

    public override async Task<FunctionHttpResponse> InvokeHttpAsync(FunctionHttpRequest request, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var invocationId = GivenInvocationId(invocation);
        var http = new FunctionHttpContext(request);
        var outcome = await RunAsync(invocationId, request, http, invocation, FunctionTrigger.Http, null, null, cancellationToken).ConfigureAwait(false);
        if (outcome.Failure is { } failure)
        {
            var problem = FunctionHttpResponse.Problem(failure.Problem);
            problem.Exception = failure.Exception;
            return problem;
        }

        if (outcome.Context.Output is not FunctionHttpResponse response)
        {
            response = FunctionHttpResponse.Empty(http.ResponseStatusCode ?? 204);
        }

        if (http.HasResponseHeaders)
        {
            foreach (var (name, values) in http.ResponseHeaders)
            {
                response.Headers.TryAdd(name, values);
            }
        }

        if (http.HasResponseCookies)
        {
            foreach (var cookie in http.ResponseCookies)
            {
                response.Cookies.Add(cookie);
            }
        }

        return response;
    }

    private protected override async Task ExecuteFunctionAsync(DefaultFunctionContext context)
    {
        var function = context.Services.GetRequiredService<TFunction>();
        context.Output = await function.HandleAsync((FunctionHttpRequest)context.Input!, context, context.CancellationToken).ConfigureAwait(false);
    }
}
