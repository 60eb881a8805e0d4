using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>Reads the Functions Framework contract's settings from <see cref="IConfiguration"/>.</summary>
internal static class FunctionsFrameworkConfiguration
{
    /// <summary>The contract's switches, mapped onto the names of its environment variables.</summary>
    public static readonly IDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--port"] = "PORT",
        ["--target"] = "FUNCTION_TARGET",
        ["--signature-type"] = "FUNCTION_SIGNATURE_TYPE",
    };

    /// <summary>A first argument that is not a switch names the target, as <c>dotnet app.dll greet</c> does in other Functions Frameworks.</summary>
    public static string[] NormalizeArguments(string[] args) =>
        args is [var first, ..] && !first.StartsWith('-') ? ["--target", first, .. args.AsSpan(1)] : args;

    /// <summary>
    /// Binds the options: the section <c>PortableFunctions:GoogleCloudFunctions</c>, then the contract's own keys
    /// (<c>PORT</c>, <c>FUNCTION_TARGET</c>, <c>FUNCTION_SIGNATURE_TYPE</c>, where the command line wins over the
    /// environment because its source comes later).
    /// </summary>
    /// <exception cref="InvalidOperationException">A value is not valid; the message names the setting.</exception>
    public static void Bind(IConfiguration configuration, GoogleCloudFunctionsOptions options)
    {
        configuration.GetSection(GoogleCloudFunctionsOptions.SectionName).Bind(options);
        if (NullIfEmpty(configuration["PORT"]) is { } port)
        {
            options.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new InvalidOperationException($"PORT (or --port) must be a port number from 1 to 65535, not '{port}'.");
        }

        if (NullIfEmpty(configuration["FUNCTION_TARGET"]) is { } target)
        {
            options.Target = target;
        }

        if (NullIfEmpty(configuration["FUNCTION_SIGNATURE_TYPE"]) is { } signature)
        {
            options.SignatureType = signature.ToUpperInvariant() switch
            {
                "HTTP" => FunctionSignatureType.Http,
                "CLOUDEVENT" => FunctionSignatureType.CloudEvent,
                "EVENT" => FunctionSignatureType.Event,
                _ => throw new InvalidOperationException($"FUNCTION_SIGNATURE_TYPE (or --signature-type) must be 'http', 'cloudevent' or 'event', not '{signature}'."),
            };
        }
    }

    /// <summary>Binds, applies the source-code configuration, and validates: the options exactly as the host will see them.</summary>
    /// <exception cref="InvalidOperationException">A value is not valid; the message names the setting.</exception>
    public static GoogleCloudFunctionsOptions Resolve(IConfiguration configuration, Action<GoogleCloudFunctionsOptions>? configure)
    {
        var options = new GoogleCloudFunctionsOptions();
        Bind(configuration, options);
        configure?.Invoke(options);
        if (new GoogleCloudFunctionsOptionsValidation().Validate(null, options) is { Failed: true } invalid)
        {
            throw new InvalidOperationException(invalid.FailureMessage);
        }

        return options;
    }

    /// <summary>Whether the process runs in a container (Cloud Run and Cloud Functions set <c>K_SERVICE</c>): then the host binds every interface.</summary>
    public static bool InContainer(IConfiguration configuration) =>
        string.Equals(configuration["DOTNET_RUNNING_IN_CONTAINER"], "true", StringComparison.OrdinalIgnoreCase)
        || !string.IsNullOrEmpty(configuration["K_SERVICE"]);

    public static string Url(GoogleCloudFunctionsOptions options, bool inContainer) =>
        string.Create(CultureInfo.InvariantCulture, $"http://{(inContainer ? "0.0.0.0" : "localhost")}:{options.Port ?? GoogleCloudFunctionsOptions.DefaultPort}");

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>Validates <see cref="GoogleCloudFunctionsOptions"/>.</summary>
internal sealed class GoogleCloudFunctionsOptionsValidation : IValidateOptions<GoogleCloudFunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, GoogleCloudFunctionsOptions options)
    {
        List<string>? failures = null;
        if (options.Port is { } port and (< 1 or > 65535))
        {
            (failures ??= []).Add($"The port (PORT, --port) must be from 1 to 65535; it is {port}.");
        }

        if (options.MaxRequestBodySize <= 0)
        {
            (failures ??= []).Add($"{GoogleCloudFunctionsOptions.SectionName}:MaxRequestBodySize must be positive; it is {options.MaxRequestBodySize}.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
