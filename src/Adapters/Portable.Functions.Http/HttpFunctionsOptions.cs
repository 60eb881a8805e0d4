namespace Portable.Functions.Http;

/// <summary>
/// Options of the HTTP host, bound from the configuration section <c>PortableFunctions:Http</c> (for instance the
/// environment variable <c>PortableFunctions__Http__MaxRequestBodySize</c>) and validated at start-up. The deadline
/// of an invocation is the core's <see cref="FunctionsOptions.DefaultTimeout"/>.
/// </summary>
public sealed class HttpFunctionsOptions
{
    /// <summary>The configuration section the options are bound from: <c>PortableFunctions:Http</c>.</summary>
    public const string SectionName = "PortableFunctions:Http";

    /// <summary>Gets or sets the largest request body the host buffers; a larger one is refused with 413.</summary>
    /// <value>The default value is 6 MiB, AWS Lambda's limit for a synchronous request. It must be positive.</value>
    public long MaxRequestBodySize { get; set; } = FunctionRequestHandler.DefaultMaxRequestBodySize;

    /// <summary>Gets or sets the path of the health endpoint.</summary>
    /// <value>The default value is <c>/healthz</c>. It must start with <c>/</c>.</value>
    public string HealthPath { get; set; } = "/healthz";

    /// <summary>Gets or sets whether the host writes its URLs and function list to standard output when it starts.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PrintBanner { get; set; } = true;
}
