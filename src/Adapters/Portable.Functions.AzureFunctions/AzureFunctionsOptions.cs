using Microsoft.Extensions.Options;

namespace Portable.Functions.AzureFunctions;

/// <summary>
/// Options of the Azure Functions adapter, bound from the configuration section <c>PortableFunctions:AzureFunctions</c>
/// (app settings such as <c>PortableFunctions__AzureFunctions__MaxRequestBodySize</c>) and validated at start-up.
/// </summary>
public sealed class AzureFunctionsOptions
{
    /// <summary>The configuration section the options are bound from: <c>PortableFunctions:AzureFunctions</c>.</summary>
    public const string SectionName = "PortableFunctions:AzureFunctions";

    /// <summary>Gets or sets the largest HTTP request body a function accepts; a larger one is answered with 413.</summary>
    /// <value>The default value is 6 MiB, as on every Portable.Functions HTTP surface (the Functions host itself accepts up to 100 MB). It must be positive.</value>
    public long MaxRequestBodySize { get; set; } = Http.FunctionRequestHandler.DefaultMaxRequestBodySize;
}

/// <summary>Validates <see cref="AzureFunctionsOptions"/>.</summary>
internal sealed class AzureFunctionsOptionsValidation : IValidateOptions<AzureFunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureFunctionsOptions options) =>
        options.MaxRequestBodySize <= 0
            ? ValidateOptionsResult.Fail($"{AzureFunctionsOptions.SectionName}:MaxRequestBodySize must be positive; it is {options.MaxRequestBodySize}.")
            : ValidateOptionsResult.Success;
}
