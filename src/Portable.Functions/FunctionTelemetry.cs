using System.Diagnostics;

namespace Portable.Functions;

/// <summary>The names under which the library reports traces.</summary>
public static class FunctionTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> that starts one activity per invocation: <c>Portable.Functions</c>.</summary>
    public const string ActivitySourceName = "Portable.Functions";

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(FunctionTelemetry).Assembly.GetName().Version?.ToString(3));

    private static int s_invocations;

    /// <summary>Returns <see langword="true"/> exactly once per process: for its first invocation.</summary>
    internal static bool TakeColdStart() => Interlocked.Exchange(ref s_invocations, 1) == 0;

    internal static string TriggerName(FunctionTrigger trigger) => trigger switch
    {
        FunctionTrigger.Http => "http",
        FunctionTrigger.PubSub => "pubsub",
        FunctionTrigger.DataSource => "datasource",
        FunctionTrigger.Timer => "timer",
        _ => "other",
    };

    internal static string? ProviderName(FunctionProvider provider) => provider switch
    {
        FunctionProvider.AwsLambda => "aws",
        FunctionProvider.AzureFunctions => "azure",
        FunctionProvider.GoogleCloudFunctions => "gcp",
        _ => null,
    };
}
