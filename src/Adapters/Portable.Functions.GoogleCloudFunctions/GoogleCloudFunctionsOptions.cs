namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Source-code configuration of the Functions Framework contract. Values set here win over command-line switches,
/// which win over environment variables, as the contract orders them.
/// </summary>
public sealed class GoogleCloudFunctionsOptions
{
    /// <summary>Gets or sets the port (else <c>--port</c>, else <c>PORT</c>, else 8080).</summary>
    public int? Port { get; set; }

    /// <summary>Gets or sets the function to serve (else <c>--target</c> or a lone argument, else <c>FUNCTION_TARGET</c>; with one registered function, that one).</summary>
    public string? Target { get; set; }

    /// <summary>Gets or sets the signature type (else <c>--signature-type</c>, else <c>FUNCTION_SIGNATURE_TYPE</c>, else the function's own shape).</summary>
    public FunctionSignatureType? SignatureType { get; set; }

    /// <summary>
    /// Gets or sets whether well-known Google event payloads are unwrapped for <see cref="FunctionEvent{TData}"/>:
    /// a Pub/Sub message's base64 <c>data</c> becomes the event data (its attributes become extensions), and a Cloud
    /// Storage object becomes a <see cref="StorageObjectChange"/>. The original CloudEvent stays available through
    /// <c>FunctionContext.GetFeature&lt;CloudNative.CloudEvents.CloudEvent&gt;()</c>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UnwrapEventData { get; set; } = true;

    /// <summary>Gets or sets the largest request body accepted; a larger one is refused with 413.</summary>
    /// <value>The default value is 32 MiB, the Cloud Functions limit for HTTP requests.</value>
    public long MaxRequestBodySize { get; set; } = 32 * 1024 * 1024;

    /// <summary>Gets or sets the invocation deadline, or <see langword="null"/> to leave timing to the platform.</summary>
    /// <value>The default value is <see langword="null"/>: Cloud Run and Cloud Functions enforce the configured timeout themselves.</value>
    public TimeSpan? RequestTimeout { get; set; }
}
