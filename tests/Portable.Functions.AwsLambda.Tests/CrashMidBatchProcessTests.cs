using System.Text;
using System.Text.Json.Nodes;

namespace Portable.Functions.AwsLambda.Tests;

/// <summary>
/// A runtime process killed in the middle of a batch (SIGKILL from inside the function, as an out-of-memory kill) must
/// acknowledge nothing: the Runtime API gets no <c>/response</c> — so no partial <c>batchItemFailures</c> that would
/// mark the records before the crash as done — and no <c>/error</c>; the platform then retries the whole batch.
/// </summary>
public sealed class CrashMidBatchProcessTests
{
    /// <summary>
    /// SQS goes on after a failed record, so its batch has a failure before the crash; a stream stops at its first
    /// failure (later records are retried from there), so its batch has two successes before the crash.
    /// </summary>
    public static TheoryData<string, string> Batches() => new()
    {
        { "sqs", "ok,fail-now,crash-now" },
        { "kinesis", "ok,ok,crash-now" },
        { "dynamodb", "ok,ok,crash-now" },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public async Task ProcessKilledOnTheThirdRecord_AfterTheOthersWereHandled_NothingIsPostedForTheBatch(string source, string actions)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The exit code of a killed process is checked as POSIX reports it.");
        await using var server = await RuntimeApiServer.StartAsync();
        await using var runtime = RuntimeProcess.StartProject("tests/Portable.Functions.AwsLambda.TestApp", "Portable.Functions.AwsLambda.TestApp", server, "batch");
        var requestId = server.Enqueue(Batch(source, actions.Split(',')));

        await runtime.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(137, runtime.Process.ExitCode); // 128 + SIGKILL
        var log = runtime.Output;

        // The first two records were handled before the crash...
        Assert.Equal(actions.Split(',').Count(a => a == "ok"), log.Split('\n').Count(l => l.StartsWith("processed ", StringComparison.Ordinal)));
        Assert.Equal(actions.Contains("fail-now", StringComparison.Ordinal), log.Contains("failing ", StringComparison.Ordinal));
        Assert.Contains("crashing ", log, StringComparison.Ordinal);

        // ...and none of it was reported: the whole batch is the platform's to retry.
        Assert.False(server.WasAnswered(requestId));
        Assert.Equal(1, server.NextCalls);
    }

    /// <summary>The source's fixture with three records whose data carry the given actions, in order.</summary>
    private static string Batch(string source, string[] actions)
    {
        var root = JsonNode.Parse(Fixtures.Text(source + ".json"))!.AsObject();
        var records = root["Records"]!.AsArray();
        while (records.Count < actions.Length)
        {
            var copy = records[0]!.DeepClone();
            copy["eventID"] = "ddb-copy-" + records.Count;
            copy["dynamodb"]!["SequenceNumber"] = "70000000000000000019" + records.Count;
            records.Add(copy);
        }

        for (var i = 0; i < actions.Length; i++)
        {
            var data = new JsonObject { ["action"] = actions[i] }.ToJsonString();
            var record = records[i]!;
            switch (source)
            {
                case "sqs":
                    record["body"] = data;
                    break;
                case "kinesis":
                    record["kinesis"]!["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(data));
                    break;
                default:
                    record["dynamodb"]!["NewImage"]!["action"] = new JsonObject { ["S"] = actions[i] };
                    break;
            }
        }

        return root.ToJsonString();
    }
}
