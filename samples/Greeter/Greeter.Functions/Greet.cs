using Portable.Functions;

namespace Greeter.Functions;

/// <summary>The body of a <c>greet</c> request. The name is optional to the binding so that <c>greet</c> itself answers a missing one with its validation problem.</summary>
public sealed record GreetRequest(string? Name = null);

/// <summary>The body of a <c>greet</c> response.</summary>
public sealed record GreetResponse(string Message);

/// <summary><c>greet</c>: a typed function that says hello.</summary>
public sealed class Greet : IFunction<GreetRequest, GreetResponse>
{
    public Task<GreetResponse> HandleAsync(GreetRequest request, FunctionContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw FunctionProblemException.Validation("name", "The name field is required.");
        }

        return Task.FromResult(new GreetResponse($"Hello, {request.Name}!"));
    }
}
