using CsCheck;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class EventExtensionsTests
{
    [Fact]
    public void TryAdd_GeneratedNames_BehavesAsAnOrdinalDictionary()
    {
        // Up to three times as many names as are compared in order, drawn from a few so that many repeat: whatever was
        // added, the set holds what Dictionary.TryAdd keeps, in the order it enumerates it.
        var names = Gen.Int[0, EventExtensions.MaxListed * 3].Select(count => Gen.Int[0, count + 1]).SelectMany(g => g.Array[0, EventExtensions.MaxListed * 3]);
        names.Sample(picks =>
        {
            var model = new Dictionary<string, string>(StringComparer.Ordinal);
            var extensions = new EventExtensions(picks.Length / 2);
            for (var i = 0; i < picks.Length; i++)
            {
                var name = "n" + picks[i];
                Assert.Equal(model.TryAdd(name, "v" + i), extensions.TryAdd(name, "v" + i));
            }

            Assert.Equal(model.Count, extensions.Count);
            Assert.Equal(model, extensions);
            Assert.Equal(model.Keys, extensions.Keys);
            Assert.Equal(model.Values, extensions.Values);
            foreach (var name in model.Keys.Append("N0").Append("absent"))
            {
                Assert.Equal(model.TryGetValue(name, out var expected), extensions.TryGetValue(name, out var actual));
                Assert.Equal(expected, actual);
                Assert.Equal(model.ContainsKey(name), extensions.ContainsKey(name));
            }
        }, iter: 5_000);
    }

    [Fact]
    public void Indexer_AbsentName_ThrowsKeyNotFound()
    {
        var extensions = new EventExtensions(0);
        extensions.TryAdd("awsregion", "eu-west-1");

        Assert.Equal("eu-west-1", extensions["awsregion"]);
        Assert.Throws<KeyNotFoundException>(() => extensions["AWSREGION"]);
    }

    [Fact]
    public void TryAdd_ManyNames_KeepsEveryOneFindable()
    {
        // A sender's message attributes are its own to choose: 20,000 of them are added and found.
        var extensions = new EventExtensions(1);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(extensions.TryAdd("a" + i, "v" + i));
        }

        Assert.False(extensions.TryAdd("a7", "again"));
        Assert.Equal(20_000, extensions.Count);
        Assert.Equal("v7", extensions["a7"]);
        Assert.Equal("v19999", extensions["a19999"]);
    }
}
