using System.Text.Json;
using Snapshooter.Xunit3;

namespace Portable.Functions.Tests;

public sealed class FunctionProblemTests
{
    [Fact]
    public void Problem_WithEveryMemberAndExtensionKind_IsWrittenAsRfc9457Json()
    {
        var problem = new FunctionProblem(422, "Unprocessable order")
        {
            Type = "https://example.com/problems/order",
            Detail = "The order's lines do not add up.",
            Instance = "/orders/o-1",
        };
        problem.Extensions["orderId"] = "o-1";
        problem.Extensions["lines"] = 3;
        problem.Extensions["total"] = 12.5m;
        problem.Extensions["retryable"] = false;
        problem.Extensions["when"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        problem.Extensions["tags"] = new[] { "a", "b" };
        problem.Extensions["nested"] = new Dictionary<string, object?> { ["k"] = 1, ["n"] = null };
        problem.Extensions["raw"] = JsonDocument.Parse("""{"x":[1,2]}""").RootElement;
        problem.Extensions["status"] = 200; // a reserved member name is never overwritten by an extension

        var response = FunctionHttpResponse.Problem(problem);

        Assert.Equal(422, response.StatusCode);
        Assert.Equal("application/problem+json", response.ContentType);
        Snapshot.Match(Json.Pretty(response.Body));
    }

    [Fact]
    public void Validation_ListsMessagesByField()
    {
        var exception = FunctionProblemException.Validation("name", "The name field is required.");

        Snapshot.Match(Json.Pretty(FunctionHttpResponse.Problem(exception.Problem).Body));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(399)]
    [InlineData(600)]
    public void Constructor_NonErrorStatus_Throws(int status) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FunctionProblem(status, "x"));
}
