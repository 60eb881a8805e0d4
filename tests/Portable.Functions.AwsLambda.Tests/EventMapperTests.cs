using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class EventMapperTests
{
    [Theory]
    [InlineData(LambdaEventSource.Sqs, "sqs.json")]
    [InlineData(LambdaEventSource.Sqs, "sqs-fifo.json")]
    [InlineData(LambdaEventSource.Sns, "sns.json")]
    [InlineData(LambdaEventSource.S3, "s3.json")]
    [InlineData(LambdaEventSource.EventBridge, "eventbridge.json")]
    [InlineData(LambdaEventSource.EventBridge, "scheduled.json")]
    [InlineData(LambdaEventSource.Kinesis, "kinesis.json")]
    [InlineData(LambdaEventSource.DynamoDbStreams, "dynamodb.json")]
    public void Read_Fixture_MapsEveryRecordToAnEvent(LambdaEventSource source, string fixture)
    {
        var batch = EventMapper.Read(source, Fixtures.Bytes(fixture));

        Snapshot.Match(Describe.Batch(batch), SnapshotNameExtension.Create(fixture));
    }

    [Theory]
    [InlineData("SentTimestamp", "senttimestamp")]
    [InlineData("ApproximateFirstReceiveTimestamp", "approximatefirstreceivetimestamp")]
    [InlineData("DeadLetterQueueSourceArn", "deadletterqueuesourcearn")]
    [InlineData("Order-Type_v2", "ordertypev2")]
    [InlineData("x.Y z", "xyz")]
    [InlineData("---", "")]
    public void ExtensionName_AttributeName_IsItsLowerCaseLettersAndDigits(string name, string expected)
    {
        Assert.Equal(expected, EventMapper.ExtensionName(name));
    }

    [Fact]
    public void ExtensionName_AlreadyAnExtensionName_IsTheSameString()
    {
        var name = string.Concat("tenant", "42");

        Assert.Same(name, EventMapper.ExtensionName(name));
    }

    [Fact]
    public void ReadSqs_SystemAttributeNames_AreTheSameStringsInEveryRecord()
    {
        var batch = EventMapper.Read(LambdaEventSource.Sqs, Fixtures.Bytes("sqs.json"));

        Assert.True(batch.Items.Length >= 2);
        var first = batch.Items[0].Envelope.Extensions.Keys.Single(k => k == "senttimestamp");
        var second = batch.Items[1].Envelope.Extensions.Keys.Single(k => k == "senttimestamp");
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("Happy+Face.jpg", "Happy Face.jpg")]
    [InlineData("a%2Bb%3Dc.txt", "a+b=c.txt")]
    [InlineData("dir/sub%20dir/%E2%82%AC.csv", "dir/sub dir/€.csv")]
    [InlineData("plain.txt", "plain.txt")]
    public void DecodeS3Key_FormEncodedKey_IsDecoded(string key, string expected)
    {
        Assert.Equal(expected, EventMapper.DecodeS3Key(key));
    }

    [Fact]
    public void ReadKinesis_InvalidBase64Data_ThrowsJsonException()
    {
        var payload = Fixtures.Text("kinesis.json").Replace("\"data\": \"", "\"data\": \"%%", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => EventMapper.ReadKinesis(System.Text.Encoding.UTF8.GetBytes(payload)));
    }

    [Fact]
    public async Task S3Event_ReachesAStorageFunction_AsAStorageObjectChange()
    {
        var invoker = BuildInvoker<StorageObjectChange>();
        var item = EventMapper.ReadS3(Fixtures.Bytes("s3.json")).Items[0];

        var result = await invoker.InvokeEventAsync(item.Envelope);

        Assert.True(result.Succeeded);
        var change = Assert.IsType<StorageObjectChange>(ReceivedData.Last);
        Assert.Equal("fixture-invoices", change.Bucket);
        Assert.Equal("2026/Q1/Invoice #1 + tax.pdf", change.Key);
        Assert.Equal(StorageChangeKind.Created, change.Kind);
        Assert.Equal(48213, change.Size);
        Assert.Equal("v3.L4kqtJlcpXroDTDmpUMLUo", change.Version);
    }

    [Theory]
    [InlineData(LambdaEventSource.Sqs, "sqs.json")]
    [InlineData(LambdaEventSource.Sqs, "sqs-fifo.json")]
    [InlineData(LambdaEventSource.Sns, "sns.json")]
    [InlineData(LambdaEventSource.Kinesis, "kinesis.json")]
    [InlineData(LambdaEventSource.DynamoDbStreams, "dynamodb.json")]
    [InlineData(LambdaEventSource.Sqs, "aws:sqs-event.json")]
    [InlineData(LambdaEventSource.Sns, "aws:sns-event.json")]
    [InlineData(LambdaEventSource.Kinesis, "aws:kinesis-event.json")]
    [InlineData(LambdaEventSource.DynamoDbStreams, "aws:dynamodb-event.json")]
    public void Read_RentedData_MapsEveryRecordAsTheExactArraysDo(LambdaEventSource source, string fixture)
    {
        // Our fixtures and AWS's own samples: the pooled data is byte for byte the data of its own array, every
        // record's envelope otherwise the same, and every record's data is pooled.
        var payload = fixture.StartsWith("aws:", StringComparison.Ordinal)
            ? File.ReadAllBytes(Path.Combine(Fixtures.AwsVectorsDirectory(), fixture[4..]))
            : Fixtures.Bytes(fixture);

        var exact = EventMapper.Read(source, payload);
        var rented = EventMapper.Read(source, payload, rentData: true);

        Assert.Equal(exact.Mode, rented.Mode);
        Assert.Equal(exact.Items.Length, rented.Items.Length);
        for (var i = 0; i < exact.Items.Length; i++)
        {
            var (a, b) = (exact.Items[i], rented.Items[i]);
            Assert.Null(a.Rented);
            Assert.NotNull(b.Rented);
            Assert.Equal(a.ItemIdentifier, b.ItemIdentifier);
            Assert.Equal((a.Envelope.Id, a.Envelope.Source, a.Envelope.Type, a.Envelope.Subject, a.Envelope.Time, a.Envelope.DataContentType),
                (b.Envelope.Id, b.Envelope.Source, b.Envelope.Type, b.Envelope.Subject, b.Envelope.Time, b.Envelope.DataContentType));
            Assert.Equal(a.Envelope.Extensions, b.Envelope.Extensions);
            Assert.Equal(a.Envelope.Data.ToArray(), b.Envelope.Data.ToArray());
            b.ReturnRented();
        }
    }

    [Fact]
    public async Task ScheduledEvent_ReachesATimerFunction_AsAScheduleTick()
    {
        var invoker = BuildInvoker<ScheduleTick>();
        var item = EventMapper.ReadEventBridge(Fixtures.Bytes("scheduled.json")).Items[0];

        var result = await invoker.InvokeEventAsync(item.Envelope);

        Assert.True(result.Succeeded);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 6, 0, 0, TimeSpan.Zero), Assert.IsType<ScheduleTick>(ReceivedData.Last).ScheduledTime);
    }

    private static FunctionInvoker BuildInvoker<T>()
    {
        var services = new ServiceCollection().AddLogging().AddPortableFunctions(f => f.AddEventFunction<Received<T>, T>("receiver"));
        return services.BuildServiceProvider().GetRequiredService<FunctionCatalog>().Select("receiver");
    }
}

/// <summary>Keeps the data of the last event it received.</summary>
public sealed class Received<T> : IEventFunction<T>
{
    public Task HandleAsync(FunctionEvent<T> functionEvent, FunctionContext context, CancellationToken cancellationToken)
    {
        ReceivedData.Last = functionEvent.Data;
        return Task.CompletedTask;
    }
}

public static class ReceivedData
{
    public static object? Last { get; set; }
}
