namespace Portable.Functions.Http;

/// <summary>Options of the HTTP host.</summary>
public sealed class FunctionsHttpHostOptions
{
    /// <summary>Gets or sets the largest request body the host buffers; a larger one is refused with 413.</summary>
    /// <value>The default value is 6 MiB, AWS Lambda's limit for a synchronous request.</value>
    public long MaxRequestBodySize { get; set; } = 6 * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long an invocation may take. The function's cancellation token fires at this deadline minus
    /// <see cref="FunctionsOptions.DeadlineGracePeriod"/>, and an invocation that is cancelled by it answers 504.
    /// </summary>
    /// <value>The default value is 5 minutes; <see langword="null"/> means no limit.</value>
    public TimeSpan? RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the path of the health endpoint.</summary>
    /// <value>The default value is <c>/healthz</c>.</value>
    public string HealthPath { get; set; } = "/healthz";

    /// <summary>Gets or sets whether the host writes its URLs and function list to standard output when it starts.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PrintBanner { get; set; } = true;
}
