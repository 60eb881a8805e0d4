namespace Portable.Functions.Tests;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData("application/json", true)]
    [InlineData("Application/JSON; charset=utf-8", true)]
    [InlineData("text/json", true)]
    [InlineData("application/cloudevents+json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("application/jsonx", false)]
    [InlineData("text/plain", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsJson_RecognisesJsonMediaTypes(string? contentType, bool expected) =>
        Assert.Equal(expected, MediaTypes.IsJson(contentType));
}
