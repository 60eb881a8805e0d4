using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Functions.AzureFunctions.Tests;

/// <summary>
/// A streamed HTTP response in both programming models: written through to the ASP.NET Core response (which the
/// worker proxies to the host as it is written), buffered into <c>HttpResponseData</c> in the built-in model.
/// </summary>
public sealed class AzureStreamingTests : IAsyncDisposable
{
    private readonly TestWorker _worker = new(s => s.AddPortableFunctions(f => f.AddHttpFunction<Lines>("lines")).AddPortableFunctionsAzureFunctions());

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task StreamedResponse_ArrivesWhole_WithItsStatusAndHeaders(string model)
    {
        var context = _worker.NewContext("lines");

        var answer = model == "AspNetCore"
            ? await HttpInvocations.AspNetCoreAsync(context, "lines", "GET", "/api/lines", null, "")
            : await HttpInvocations.HttpRequestDataAsync(context, "lines", "GET", "/api/lines", null, "");

        Assert.Equal((201, "text/plain; charset=utf-8", "one\ntwo\n", "yes"), (answer.Status, answer.ContentType, answer.Body, answer.Headers["X-Streamed"]));
    }

    [Theory]
    [InlineData("AspNetCore")]
    [InlineData("HttpRequestData")]
    public async Task StreamedResponse_FailingBeforeItsFirstChunk_Is500Problem(string model)
    {
        var context = _worker.NewContext("lines");

        var answer = model == "AspNetCore"
            ? await HttpInvocations.AspNetCoreAsync(context, "lines", "GET", "/api/lines?fail=1", null, "")
            : await HttpInvocations.HttpRequestDataAsync(context, "lines", "GET", "/api/lines?fail=1", null, "");

        Assert.Equal((500, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.DoesNotContain("secret", answer.Body, StringComparison.Ordinal);
        Assert.False(answer.Headers.ContainsKey("X-Streamed"));
    }

    public ValueTask DisposeAsync() => _worker.DisposeAsync();

    /// <summary>Streams two lines from an async sequence; <c>?fail=1</c> fails before the first.</summary>
    public sealed class Lines : IHttpFunction
    {
        public Task<FunctionHttpResponse> HandleAsync(FunctionHttpRequest request, FunctionContext context, CancellationToken cancellationToken)
        {
            var response = FunctionHttpResponse.Stream(Produce(request.Query.ContainsKey("fail"), cancellationToken), "text/plain; charset=utf-8", 201);
            response.Headers["X-Streamed"] = "yes";
            return Task.FromResult(response);
        }

        private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce(bool fail, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (fail)
            {
                throw new InvalidOperationException("secret: no lines today");
            }

            yield return "one\n"u8.ToArray();
            await Task.Delay(1, cancellationToken);
            yield return "two\n"u8.ToArray();
        }
    }
}
