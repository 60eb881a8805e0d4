namespace Portable.Functions.AwsLambda.Tests;

public sealed class XRayTraceHeaderTests
{
    [Theory]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00")]
    [InlineData("Parent=53995c3f42cd8ad8; Root=1-5759e988-bd862e3fe1be46a994272793; Lineage=a87bd80c:1|68fd508a:5", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01")]
    // The last of a repeated name wins, whatever its case, after the Runtime API's usual three too.
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Parent=1111111111111111", "00-5759e988bd862e3fe1be46a994272793-1111111111111111-01")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0; sampled=1", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;ROOT=1-00000001-000000000000000000000002", "00-00000001000000000000000000000002-53995c3f42cd8ad8-01")]
    // Sampled is 1 only when it is exactly 1.
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1x", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=?", "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00")]
    public void ToTraceParent_ValidHeader_ReturnsW3CTraceParent(string header, string expected)
    {
        Assert.Equal(expected, XRayTraceHeader.ToTraceParent(header));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759E988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995C3F42CD8AD8;Sampled=1")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279g;Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000;Sampled=1")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Parent=0000000000000000")]
    [InlineData("garbage")]
    public void ToTraceParent_InvalidHeader_ReturnsNull(string? header)
    {
        Assert.Null(XRayTraceHeader.ToTraceParent(header));
    }
}
