using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portable.Functions;
using Portable.Functions.Http;

namespace Microsoft.AspNetCore.Builder; // Namespace by convention, beside MapGet and friends.

/// <summary>Maps registered Portable.Functions onto ASP.NET Core routes.</summary>
public static class FunctionsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every registered function: <c>POST /{name}</c> for typed and event functions, <c>/{name}</c> and
    /// <c>/{name}/**</c> with any method for HTTP functions, the health endpoint, and a problem+json 404 for
    /// everything else.
    /// </summary>
    /// <param name="endpoints">The route builder, usually the <c>WebApplication</c>.</param>
    /// <returns>The route builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">A function's route collides with the health endpoint.</exception>
    public static IEndpointRouteBuilder MapPortableFunctions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var catalog = services.GetRequiredService<FunctionCatalog>();
        var options = services.GetRequiredService<IOptions<HttpFunctionsOptions>>().Value;
        var healthPath = options.HealthPath;

        foreach (var function in catalog.Functions)
        {
            var route = "/" + function.Name;
            if (string.Equals(route, healthPath, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Function '{function.Name}' collides with the health endpoint {healthPath}; rename it or change HttpFunctionsOptions.HealthPath.");
            }

            var handler = new FunctionRequestHandler(function, options.MaxRequestBodySize);
            endpoints.Map(route, handler.HandleAsync).WithDisplayName("Portable.Functions " + function.Name);
            if (function.Kind == FunctionKind.Http)
            {
                endpoints.Map(route + "/{**path}", handler.HandleAsync).WithDisplayName("Portable.Functions " + function.Name + " (sub-paths)");
            }
        }

        var names = new string[catalog.Functions.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = catalog.Functions[i].Name;
        }

        var health = FunctionHttpResponse.Json(new HealthReport("healthy", names), HttpHostJsonContext.Default.HealthReport);
        endpoints.MapMethods(healthPath, [HttpMethods.Get, HttpMethods.Head], context => FunctionHttpResponseWriter.WriteAsync(context, health))
            .WithDisplayName("Portable.Functions health");

        if (options.PrintBanner && services.GetService<IHostApplicationLifetime>() is { } lifetime && services.GetService<IServer>() is { } server)
        {
            lifetime.ApplicationStarted.Register(() => StartupBanner.Print(server, catalog, healthPath));
        }

        endpoints.MapFallback(context =>
        {
            var headers = context.Request.Headers;
            var invocation = new FunctionInvocation
            {
                TraceParent = headers.TraceParent.Count > 0 ? headers.TraceParent.ToString() : null,
                TraceState = headers.TraceState.Count > 0 ? headers.TraceState.ToString() : null,
            };
            var result = catalog.Reject(FunctionProblems.NotFound(context.Request.Path.Value ?? "/"), invocation);
            return FunctionHttpResponseWriter.WriteAsync(context, result.Response);
        });

        return endpoints;
    }
}
