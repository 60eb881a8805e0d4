using Microsoft.Extensions.Options;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// Options of the AWS Lambda adapter, bound from the configuration section <c>PortableFunctions:AwsLambda</c> (for
/// instance the environment variable <c>PortableFunctions__AwsLambda__EventSources__greet=HttpApi</c>), then from code,
/// and validated at start-up.
/// </summary>
public sealed class AwsLambdaFunctionsOptions
{
    /// <summary>The configuration section the options are bound from: <c>PortableFunctions:AwsLambda</c>.</summary>
    public const string SectionName = "PortableFunctions:AwsLambda";

    /// <summary>
    /// Gets the event source declared for a function, by function name (case-insensitive). A function that is not
    /// listed, or listed as <see cref="LambdaEventSource.Auto"/>, has its source detected from each payload.
    /// </summary>
    /// <remarks>Declare the source when a function's own request could look like an AWS event, or to invoke an event function directly.</remarks>
    public IDictionary<string, LambdaEventSource> EventSources { get; } =
        new Dictionary<string, LambdaEventSource>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets how many records of one SQS batch from a standard queue are handled at the same time. Records of
    /// FIFO queues, Kinesis and DynamoDB streams are always handled one after another, in order; SNS, S3 and
    /// EventBridge deliver their records one event at a time, in order too.
    /// </summary>
    /// <value>The default value is 1: records are handled in order. It must be from 1 to 1024.</value>
    public int BatchConcurrency { get; set; } = 1;

    /// <summary>
    /// Gets or sets whether each response or error report goes out with the next <c>GET /next</c> right behind it on the
    /// same connection, before it is answered (HTTP/1.1 pipelining, which Lambda's Runtime API and AWS's Runtime
    /// Interface Emulator answer in order): each warm invocation then wakes the Runtime API and the runtime once
    /// instead of twice. Turn it off only for a Runtime API of your own that reads one request at a time and drops
    /// what follows it.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PipelineNextRequest { get; set; } = true;

    /// <summary>
    /// Gets or sets how long the <see cref="ILambdaLifecycleHandler.ShutdownAsync"/> handlers may take after
    /// <c>SIGTERM</c>, before logs are flushed and the process exits: Lambda kills the runtime when its shutdown phase
    /// (500 ms for a function without external extensions) is over.
    /// </summary>
    /// <value>The default value is 300 milliseconds. It must not be negative.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Gets or sets the invoke mode of the function's URL. In <see cref="LambdaInvokeMode.ResponseStream"/> mode every
    /// answer to a Function URL request is streamed to the Runtime API — the HTTP integration prelude, then the body —
    /// so a <see cref="FunctionHttpResponse.Stream(Func{Stream, CancellationToken, Task}, string, int)"/> response
    /// reaches the caller as it is written; every other event source is answered buffered either way.
    /// </summary>
    /// <value>
    /// The default value is <see cref="LambdaInvokeMode.Buffered"/>, Lambda's own default. It must match the URL's
    /// <c>InvokeMode</c>: a URL in one mode cannot read the other's answers.
    /// </value>
    public LambdaInvokeMode InvokeMode { get; set; } = LambdaInvokeMode.Buffered;

    /// <summary>Declares the event source of a function.</summary>
    /// <param name="functionName">The registered function name.</param>
    /// <param name="source">The source.</param>
    /// <returns>These options, for chaining.</returns>
    public AwsLambdaFunctionsOptions UseEventSource(string functionName, LambdaEventSource source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        EventSources[functionName] = source;
        return this;
    }

    internal LambdaEventSource GetEventSource(string functionName) =>
        EventSources.TryGetValue(functionName, out var source) ? source : LambdaEventSource.Auto;
}

/// <summary>Validates <see cref="AwsLambdaFunctionsOptions"/>.</summary>
internal sealed class AwsLambdaFunctionsOptionsValidation : IValidateOptions<AwsLambdaFunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsLambdaFunctionsOptions options)
    {
        List<string>? failures = null;
        if (options.BatchConcurrency is < 1 or > 1024)
        {
            (failures ??= []).Add($"{AwsLambdaFunctionsOptions.SectionName}:BatchConcurrency must be from 1 to 1024; it is {options.BatchConcurrency}.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            (failures ??= []).Add($"{AwsLambdaFunctionsOptions.SectionName}:ShutdownTimeout must not be negative; it is {options.ShutdownTimeout}.");
        }

        if (options.InvokeMode is not (LambdaInvokeMode.Buffered or LambdaInvokeMode.ResponseStream)) // not Enum.IsDefined: reflection at every start
        {
            (failures ??= []).Add($"{AwsLambdaFunctionsOptions.SectionName}:InvokeMode must be Buffered or ResponseStream; it is {options.InvokeMode}.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
