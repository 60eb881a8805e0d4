using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Portable.Functions.Http;

/// <summary>Writes the host's URLs and function list to standard output once it listens.</summary>
internal static class StartupBanner
{
    public static string Compose(IEnumerable<string> addresses, FunctionCatalog catalog, string healthPath)
    {
        var text = new StringBuilder();
        text.AppendLine("Portable.Functions HTTP host");
        foreach (var address in addresses)
        {
            text.Append("  listening on ").AppendLine(address);
        }

        text.AppendLine("  functions:");
        foreach (var function in catalog.Functions)
        {
            var (methods, shape) = function.Kind switch
            {
                FunctionKind.Typed => ("POST", $"typed  {function.InputType.Name} -> {function.OutputType!.Name}"),
                FunctionKind.Event => ("POST", $"event  {function.InputType.Name} (CloudEvents binary/structured/batch, or plain JSON)"),
                _ => ("ANY ", "http"),
            };
            text.Append("    ").Append(methods).Append(" /").Append(function.Name.PadRight(24)).Append(' ').AppendLine(shape);
        }

        text.Append("    GET  ").AppendLine(healthPath);
        return text.ToString();
    }

    public static void Print(IServer server, FunctionCatalog catalog, string healthPath)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.Out.Write(Compose(addresses, catalog, healthPath));
        Console.Out.Flush();
    }
}
