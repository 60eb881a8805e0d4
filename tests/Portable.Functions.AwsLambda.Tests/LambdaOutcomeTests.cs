using System.Text.Json;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class LambdaOutcomeTests
{
    [Fact]
    public void Error_WritesTheCanonicalBodyInAwsOrder()
    {
        var outcome = LambdaOutcome.Error("Function.BadRequest", "The \"name\" field is required.");

        Assert.True(outcome.IsError);
        Assert.Equal("Function.BadRequest", outcome.ErrorType);
        Assert.Equal("""{"errorType":"Function.BadRequest","errorMessage":"The \"name\" field is required.","stackTrace":[]}""", System.Text.Encoding.UTF8.GetString(outcome.ErrorBody.Span));
    }

    [Fact]
    public void Error_LargerThan256KB_IsTruncated()
    {
        var outcome = LambdaOutcome.Error("InvalidOperationException", new string('m', 300 * 1024), Enumerable.Repeat("at Some.Frame()", 20_000).ToArray());

        Assert.True(outcome.ErrorBody.Length <= LambdaOutcome.MaxErrorSize);
        using var body = JsonDocument.Parse(outcome.ErrorBody);
        Assert.EndsWith("(truncated: the error exceeded 256 KB)", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, body.RootElement.GetProperty("stackTrace").GetArrayLength());
    }

    [Theory]
    [InlineData(400, "Function.BadRequest")]
    [InlineData(415, "Function.UnsupportedMediaType")]
    [InlineData(422, "Function.UnprocessableContent")]
    [InlineData(500, "Function.InternalServerError")]
    [InlineData(504, "Function.GatewayTimeout")]
    [InlineData(499, "Function.ClientClosedRequest")]
    [InlineData(460, "Function.ClientError")]
    public void ErrorType_ProblemStatus_IsAValidRuntimeErrorType(int status, string expected)
    {
        var errorType = HttpStatusText.ErrorType(status);

        Assert.Equal(expected, errorType);
        Assert.Matches("^(Runtime|Function)\\.[A-Z][a-zA-Z]+$", errorType);
    }
}
