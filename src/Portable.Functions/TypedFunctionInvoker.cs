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
    private readonly JsonWriterOptions _writerOptions;

    public TypedFunctionInvoker(FunctionRegistration registration, InvokerServices shared)
        : base(registration, shared)
    {
        _requestType = shared.Json.Get<TRequest>(registration.Name);
        _responseType = shared.Json.Get<TResponse>(registration.Name);
        _writerOptions = PooledJsonBody.WriterOptions(_responseType.Options);
    }

    internal override object BindInput(DefaultFunctionContext context)
    {
        var request = (FunctionHttpRequest)context.RawInput;
        HttpBinding.RequirePost(context, request);
        if (!MediaTypes.IsReadableAsJson(request.ContentType))
        {
            throw new FunctionProblemException(FunctionProblems.UnsupportedMediaType(
                $"Function '{Name}' reads a JSON body; send it with Content-Type: application/json."));
        }

        if (request.Body.IsEmpty)
        {
            throw new FunctionProblemException(FunctionProblems.MissingInput("Missing request body", $"Function '{Name}' needs a JSON request body."));
        }

        TRequest? value;
        try
        {
            value = JsonSerializer.Deserialize(request.Body.Span, _requestType);
        }
        catch (JsonException exception)
        {
            throw new FunctionProblemException(FunctionProblems.Binding(Name, "request body", exception, _requestType, request.Body.Span), exception);
        }

        return value ?? throw new FunctionProblemException(FunctionProblems.MissingInput("Missing request body", $"Function '{Name}' needs a JSON request body, not null."));
    }

    internal override async Task ExecuteAsync(DefaultFunctionContext context, object input)
    {
        var function = context.Services.GetRequiredService<TFunction>();
        context.Output = await function.HandleAsync((TRequest)input, context, context.CancellationToken).ConfigureAwait(false);
    }

    internal override FunctionHttpResponse CreateResponse(DefaultFunctionContext context)
    {
        var status = context.HttpIfCreated?.ResponseStatusCode;
        if (!context.FunctionRan)
        {
            return FunctionHttpResponse.Empty(status ?? 204);
        }

        var (array, length) = PooledJsonBody.Serialize((TResponse)context.Output!, _responseType, _writerOptions);
        var response = new FunctionHttpResponse { StatusCode = status ?? 200, ContentType = MediaTypes.Json };
        response.SetPooledBody(array, length);
        return response;
    }
}

/// <summary>The binding rules every function kind shares for input that arrives as an HTTP request.</summary>
internal static class HttpBinding
{
    /// <summary>Typed and event functions take <c>POST</c> requests only; anything else is 405 with <c>Allow: POST</c>.</summary>
    public static void RequirePost(DefaultFunctionContext context, FunctionHttpRequest request)
    {
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            context.Http?.ResponseHeaders["Allow"] = "POST";
            throw new FunctionProblemException(FunctionProblems.MethodNotAllowed(context.FunctionName, "POST"));
        }
    }
}
