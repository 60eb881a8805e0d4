namespace Portable.Functions.AwsLambda;

/// <summary>Options of the AWS Lambda adapter.</summary>
public sealed class LambdaFunctionsOptions
{
    /// <summary>
    /// Gets the event source declared for a function, by function name (case-insensitive). A function that is not
    /// listed, or listed as <see cref="LambdaEventSource.Auto"/>, has its source detected from each payload.
    /// </summary>
    /// <remarks>Declare the source when a function's own request could look like an AWS event, or to invoke an event function directly.</remarks>
    public IDictionary<string, LambdaEventSource> EventSources { get; } =
        new Dictionary<string, LambdaEventSource>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets how many records of one SQS (standard queue) or SNS batch are handled at the same time.
    /// Kinesis, DynamoDB Streams and SQS FIFO records are always handled one after another, in order.
    /// </summary>
    /// <value>The default value is 1: records are handled in order.</value>
    public int BatchConcurrency { get; set; } = 1;

    /// <summary>Declares the event source of a function.</summary>
    /// <param name="functionName">The registered function name.</param>
    /// <param name="source">The source.</param>
    /// <returns>These options, for chaining.</returns>
    public LambdaFunctionsOptions UseEventSource(string functionName, LambdaEventSource source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        EventSources[functionName] = source;
        return this;
    }

    internal LambdaEventSource GetEventSource(string functionName) =>
        EventSources.TryGetValue(functionName, out var source) ? source : LambdaEventSource.Auto;
}
