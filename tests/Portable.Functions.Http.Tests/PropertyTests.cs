using System.Text;
using CsCheck;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Http.Tests;

/// <summary>
/// Properties of the CloudEvents decoding, checked with CsCheck: no structured-mode or batch body — random bytes, or a
/// valid event with one value wrong — makes the reader throw anything but <see cref="InvalidCloudEventException"/>
/// (answered 400), and an event it accepts has its required attributes.
/// </summary>
public sealed class PropertyTests
{
    private const string Valid = """{"specversion":"1.0","id":"e-1","source":"//tests","type":"t","subject":"s","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","data":{"name":"Ada","n":[1,2]}}""";

    [Fact]
    public void ReadStructured_AnyBytes_ThrowsNothingButInvalidCloudEvent()
    {
        Gen.Byte.Array[0, 200].Sample(bytes => Read(bytes), iter: 2000);
    }

    [Fact]
    public void ReadStructuredAndBatch_AValidEventWithOneValueWrong_ThrowNothingButInvalidCloudEvent()
    {
        Gen.Select(Gen.Int, Gen.Int, Gen.Bool).Sample((location, kind, batch) =>
            Read(Encoding.UTF8.GetBytes(JsonMutations.Mutate(batch ? "[" + Valid + "]" : Valid, location, kind)), batch), iter: 3000);
    }

    private static void Read(byte[] body, bool batch = false)
    {
        try
        {
            var events = batch
                ? CloudEventRequestReader.ReadBatch("application/cloudevents-batch+json", body)
                : [CloudEventRequestReader.ReadStructured("application/cloudevents+json", body)];
            foreach (var received in events)
            {
                Assert.False(string.IsNullOrEmpty(received.Id));
                Assert.False(string.IsNullOrEmpty(received.Source));
                Assert.False(string.IsNullOrEmpty(received.Type));
            }
        }
        catch (InvalidCloudEventException)
        {
            // The documented error: a 400 naming the attribute.
        }
    }
}
