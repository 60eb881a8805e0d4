using System.Globalization;

namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>
/// The Functions Framework contract's configuration, resolved once at start-up with the contract's precedence:
/// source code, then command-line switches, then environment variables.
/// </summary>
internal sealed record FunctionsFrameworkSettings(int Port, string? Target, FunctionSignatureType? SignatureType, bool BindAllInterfaces, string[] RemainingArgs)
{
    public const int DefaultPort = 8080;

    public static FunctionsFrameworkSettings Resolve(string[] args, GoogleCloudFunctionsOptions options, Func<string, string?> environment)
    {
        string? portSwitch = null, targetSwitch = null, signatureSwitch = null, positionalTarget = null;
        var remaining = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (TryReadSwitch(args, ref i, "--port", out var value))
            {
                portSwitch = value;
            }
            else if (TryReadSwitch(args, ref i, "--target", out value))
            {
                targetSwitch = value;
            }
            else if (TryReadSwitch(args, ref i, "--signature-type", out value))
            {
                signatureSwitch = value;
            }
            else if (!arg.StartsWith('-') && positionalTarget is null && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
            {
                positionalTarget = arg;
            }
            else
            {
                remaining.Add(arg);
            }
        }

        var port = options.Port ?? ParsePort(portSwitch, "--port") ?? ParsePort(environment("PORT"), "PORT") ?? DefaultPort;
        var target = options.Target ?? targetSwitch ?? positionalTarget ?? NullIfEmpty(environment("FUNCTION_TARGET"));
        var signature = options.SignatureType ?? ParseSignature(signatureSwitch, "--signature-type") ?? ParseSignature(environment("FUNCTION_SIGNATURE_TYPE"), "FUNCTION_SIGNATURE_TYPE");
        var inContainer = string.Equals(environment("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(environment("K_SERVICE"));
        return new FunctionsFrameworkSettings(port, target, signature, inContainer, [.. remaining]);
    }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://{(BindAllInterfaces ? "0.0.0.0" : "localhost")}:{Port}");

    private static bool TryReadSwitch(string[] args, ref int index, string name, out string? value)
    {
        var arg = args[index];
        if (arg.StartsWith(name + "=", StringComparison.Ordinal))
        {
            value = arg[(name.Length + 1)..];
            return true;
        }

        if (arg == name)
        {
            if (index + 1 >= args.Length)
            {
                throw new InvalidOperationException($"The {name} switch needs a value.");
            }

            value = args[++index];
            return true;
        }

        value = null;
        return false;
    }

    private static int? ParsePort(string? text, string origin)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new InvalidOperationException($"{origin} must be a port number from 1 to 65535, not '{text}'.");
    }

    private static FunctionSignatureType? ParseSignature(string? text, string origin) => NullIfEmpty(text)?.ToUpperInvariant() switch
    {
        null => null,
        "HTTP" => FunctionSignatureType.Http,
        "CLOUDEVENT" => FunctionSignatureType.CloudEvent,
        "EVENT" => FunctionSignatureType.Event,
        _ => throw new InvalidOperationException($"{origin} must be 'http', 'cloudevent' or 'event', not '{text}'."),
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
