using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions;

/// <summary>Invokes an <see cref="IFunction{TRequest, TResponse}"/>: JSON body in, JSON body out.</summary>
internal sealed class TypedFunctionInvoker<TFunction, TRequest, TResponse> : FunctionInvoker
    where TFunction : class, IFunction<TRequest, TResponse>
{
    private readonly JsonTypeInfo<TRequest> _requestType;
    private readonly JsonTypeInfo<TResponse> _responseType;

    public TypedFunctionInvoker(FunctionRegistration registration, InvokerServices shared)
        : base(registration, shared)
    {
        _requestType = shared.Json.Get<TRequest>(registration.Name);
        _responseType = shared.Json.Get<TResponse>(registration.Name);
    }

    public override async Task<FunctionHttpResponse> InvokeHttpAsync(FunctionHttpRequest request, FunctionInvocation? invocation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var invocationId = GivenInvocationId(invocation);

        if (!IsAcceptableContentType(request.ContentType))
        {
            return FunctionHttpResponse.Problem(RejectInput(invocationId ?? NewInvocationId(), 415, "Unsupported Media Type",
                $"Function '{Name}' reads a JSON body; send it with Content-Type: application/json."));
        }

        if (request.Body.IsEmpty)
        {
            return FunctionHttpResponse.Problem(RejectInput(invocationId ?? NewInvocationId(), 400, "Missing request body",
                $"Function '{Name}' needs a JSON request body."));
        }

        TRequest? value;
        try
        {
            value = JsonSerializer.Deserialize(request.Body.Span, _requestType);
        }
        catch (JsonException exception)
        {
            return FunctionHttpResponse.Problem(BindingProblem(invocationId ?? NewInvocationId(), "request body", exception));
        }

        if (value is null)
        {
            return FunctionHttpResponse.Problem(RejectInput(invocationId ?? NewInvocationId(), 400, "Missing request body",
                $"Function '{Name}' needs a JSON request body, not null."));
        }

        var http = new FunctionHttpContext(request);
        var outcome = await RunAsync(invocationId, value, http, invocation, FunctionTrigger.Http, null, null, cancellationToken).ConfigureAwait(false);
        if (outcome.Failure is { } failure)
        {
            var problem = FunctionHttpResponse.Problem(failure.Problem);
            problem.Exception = failure.Exception;
            return problem;
        }

        FunctionHttpResponse response;
        if (!outcome.Context.FunctionRan)
        {
            response = FunctionHttpResponse.Empty(http.ResponseStatusCode ?? 204);
        }
        else
        {
            try
            {
                response = new FunctionHttpResponse
                {
                    StatusCode = http.ResponseStatusCode ?? 200,
                    ContentType = MediaTypes.Json,
                    Body = JsonSerializer.SerializeToUtf8Bytes((TResponse)outcome.Context.Output!, _responseType),
                };
            }
            catch (Exception exception) when (exception is JsonException or NotSupportedException)
            {
                Log.FunctionFailed(Logger, exception, Name, outcome.Context.InvocationId);
                var problem = FunctionHttpResponse.Problem(InternalError(outcome.Context.InvocationId, exception));
                problem.Exception = exception;
                return problem;
            }
        }

        if (http.HasResponseHeaders)
        {
            foreach (var (name, values) in http.ResponseHeaders)
            {
                response.Headers[name] = values;
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
        context.Output = await function.HandleAsync((TRequest)context.Input!, context, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// JSON media types are read, and so are requests without a type, <c>text/plain</c> and
    /// <c>application/x-www-form-urlencoded</c> (what curl sends by default), as long as the body is JSON.
    /// Any other declared type — XML, multipart forms, octet streams — is refused with 415.
    /// </summary>
    private static bool IsAcceptableContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || MediaTypes.IsJson(contentType))
        {
            return true;
        }

        var mediaType = MediaTypes.GetMediaType(contentType);
        return mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }
}
