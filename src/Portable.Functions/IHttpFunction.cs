namespace Portable.Functions;

/// <summary>
/// An HTTP function with full control over the request and the response, still independent of any platform.
/// </summary>
public interface IHttpFunction
{
    /// <summary>Handles one HTTP request.</summary>
    /// <param name="request">The request: method, path, query, headers, cookies and the buffered body.</param>
    /// <param name="context">The invocation's context.</param>
    /// <param name="cancellationToken">Fires at the platform deadline (minus the configured grace period) or when the caller goes away.</param>
    /// <returns>The response to send.</returns>
    Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken);
}
