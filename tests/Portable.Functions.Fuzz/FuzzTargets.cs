using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Functions.AwsLambda;
using Portable.Functions.GoogleCloudFunctions;
using Portable.Functions.Http;

namespace Portable.Functions.Fuzz;

/// <summary>One fuzz target: reads any bytes; throws only when it found a bug.</summary>
/// <param name="input">The input.</param>
public delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>Thrown by a target when a decoder accepted an input but broke a promise about what it returns.</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The fuzz targets. Each feeds its input through the same steps the adapter takes with a request body and catches only
/// the errors that path documents — the ones the host turns into a 4xx or an invocation error. Anything else escapes
/// and is a crash for AFL/libFuzzer and a failure for the short run in <c>dotnet test</c>.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Gets every target by the name <c>Fuzz &lt;target&gt;</c> takes (and its corpus folder's name).</summary>
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["aws-event"] = AwsEvent,
        ["gcp-legacy"] = GcpLegacyEvent,
        ["cloudevent-structured"] = CloudEventStructured,
        ["cloudevent-batch"] = CloudEventBatch,
    };

    /// <summary>
    /// A Lambda payload, as the dispatcher reads it when the function's source is detected: the detector's quick look,
    /// then the HTTP or event mapper of the source it named — or, when it cannot tell or that read fails, the detector
    /// and the mapper of the source it finds. Documented error: <see cref="JsonException"/> (reported to the Runtime API
    /// as <c>Function.InvalidEvent</c>).
    /// </summary>
    public static void AwsEvent(ReadOnlySpan<byte> input)
    {
        try
        {
            if (EventSourceDetector.TryDetectQuickly(input, out var quick, out var quickSource) && quick == DetectedPayload.Supported)
            {
                try
                {
                    ReadAs(quickSource, input);
                    return;
                }
                catch (JsonException)
                {
                    // The dispatcher asks the detector next.
                }
            }

            if (EventSourceDetector.Detect(input, out var source, out _) == DetectedPayload.Supported)
            {
                ReadAs(source, input);
            }
        }
        catch (JsonException)
        {
            // Documented: Function.InvalidEvent.
        }
    }

    private static void ReadAs(LambdaEventSource source, ReadOnlySpan<byte> input)
    {
        switch (source)
        {
            case LambdaEventSource.ApiGatewayRest:
                _ = HttpEventMapper.ReadRest(input);
                break;
            case LambdaEventSource.HttpApi:
                _ = HttpEventMapper.ReadHttpApi(input);
                break;
            case LambdaEventSource.ApplicationLoadBalancer:
                _ = HttpEventMapper.ReadAlb(input);
                break;
            case LambdaEventSource.Direct:
                break;
            default:
                _ = EventMapper.Read(source, input);
                break;
        }
    }

    /// <summary>
    /// A body posted to a Google Cloud Functions event function, as <c>FunctionsFrameworkHandler</c> reads it: not JSON
    /// (<see cref="JsonException"/>) is not a legacy event; a legacy event or Pub/Sub push body is converted to a
    /// CloudEvent and its data unwrapped. Documented error: <see cref="InvalidCloudEventException"/> (a 400). What is
    /// accepted has the CloudEvent's required attributes.
    /// </summary>
    public static void GcpLegacyEvent(ReadOnlySpan<byte> input)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(input);
        }
        catch (JsonException)
        {
            return; // Not JSON: an ordinary body, answered by the core (415 or 400).
        }

        try
        {
            if (root is not JsonObject body || !LegacyEventConverter.IsLegacyOrPushBody(body))
            {
                return;
            }

            var envelope = LegacyEventConverter.Convert(body, "/projects/fuzz/topics/fuzz");
            RequireAttributes(envelope);
            _ = GoogleEventData.Unwrap(envelope);
        }
        catch (InvalidCloudEventException)
        {
            // Documented: 400 with a message safe to show.
        }
    }

    /// <summary>
    /// A structured-mode CloudEvent body (JSON format), as the Http and Google hosts read it. Documented error:
    /// <see cref="InvalidCloudEventException"/> (a 400). What is accepted has its required attributes.
    /// </summary>
    public static void CloudEventStructured(ReadOnlySpan<byte> input)
    {
        try
        {
            RequireAttributes(CloudEventRequestReader.ReadStructured("application/cloudevents+json", input.ToArray()));
        }
        catch (InvalidCloudEventException)
        {
            // Documented: 400 naming the attribute.
        }
    }

    /// <summary>A batch-mode CloudEvents body (JSON format). Documented error: <see cref="InvalidCloudEventException"/>.</summary>
    public static void CloudEventBatch(ReadOnlySpan<byte> input)
    {
        try
        {
            foreach (var envelope in CloudEventRequestReader.ReadBatch("application/cloudevents-batch+json", input.ToArray()))
            {
                RequireAttributes(envelope);
            }
        }
        catch (InvalidCloudEventException)
        {
            // Documented: 400 naming the attribute.
        }
    }

    private static void RequireAttributes(FunctionEventEnvelope envelope)
    {
        if (string.IsNullOrEmpty(envelope.Id) || string.IsNullOrEmpty(envelope.Source) || string.IsNullOrEmpty(envelope.Type))
        {
            throw new FuzzInvariantException($"An accepted event lacks a required attribute (id '{envelope.Id}', source '{envelope.Source}', type '{envelope.Type}').");
        }
    }
}
