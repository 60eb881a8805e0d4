namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// Options of the Functions Framework host. The contract's settings come, in its order of precedence, from source code
/// (the <c>configure</c> callback), the command line (<c>--port</c>, <c>--target</c> or a first argument that is not a
/// switch, <c>--signature-type</c>), then the environment (<c>PORT</c>, <c>FUNCTION_TARGET</c>,
/// <c>FUNCTION_SIGNATURE_TYPE</c>); every option can also be set in the configuration section
/// <c>PortableFunctions:GoogleCloudFunctions</c>, below those. They are validated at start-up.
/// </summary>
public sealed class GoogleCloudFunctionsOptions
{
    /// <summary>The configuration section the options are bound from: <c>PortableFunctions:GoogleCloudFunctions</c>.</summary>
    public const string SectionName = "PortableFunctions:GoogleCloudFunctions";

    /// <summary>The port the host listens on when nothing else is configured.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Gets or sets the port (else <c>--port</c>, else <c>PORT</c>, else 8080).</summary>
    public int? Port { get; set; }

    /// <summary>Gets or sets the function to serve (else <c>--target</c> or a first argument, else <c>FUNCTION_TARGET</c>; with one registered function, that one).</summary>
    public string? Target { get; set; }

    /// <summary>Gets or sets the signature type (else <c>--signature-type</c>, else <c>FUNCTION_SIGNATURE_TYPE</c>, else the function's own shape).</summary>
    public FunctionSignatureType? SignatureType { get; set; }

    /// <summary>
    /// Gets or sets whether well-known Google event payloads are unwrapped for <see cref="FunctionEvent{TData}"/>:
    /// a Pub/Sub message's base64 <c>data</c> becomes the event data (its attributes become extensions), and a Cloud
    /// Storage object becomes a <see cref="StorageObjectChange"/>. The event as received stays available through
    /// <c>FunctionContext.GetFeature&lt;CloudEventFeature&gt;()</c>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UnwrapEventData { get; set; } = true;

    /// <summary>Gets or sets the largest request body accepted; a larger one is refused with 413.</summary>
    /// <value>The default value is 6 MiB, as on every Portable.Functions HTTP surface. It must be positive.</value>
    public long MaxRequestBodySize { get; set; } = Http.FunctionRequestHandler.DefaultMaxRequestBodySize;
}
