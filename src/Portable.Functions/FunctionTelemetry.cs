using System.Diagnostics;
using System.Globalization;

namespace Portable.Functions;

/// <summary>The names under which the library reports traces.</summary>
public static class FunctionTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> that starts one activity per invocation: <c>Portable.Functions</c>.</summary>
    public const string ActivitySourceName = "Portable.Functions";

    internal static readonly ActivitySource Source = new(ActivitySourceName, BuildVersion.Assembly);

    private static int s_invocations;

    /// <summary>Returns <see langword="true"/> exactly once per process: for its first invocation.</summary>
    internal static bool TakeColdStart() => Interlocked.Exchange(ref s_invocations, 1) == 0;

    /// <summary>Starts an invocation's activity, parented by the incoming W3C trace when there is a valid one.</summary>
    internal static Activity? Start(string name, FunctionTrigger trigger, string? traceParent, string? traceState, out ActivityContext parent)
    {
        parent = default;
        if (traceParent is { Length: > 0 })
        {
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }

        var kind = trigger == FunctionTrigger.Http ? ActivityKind.Server : ActivityKind.Consumer;
        return parent == default ? Source.StartActivity(name, kind) : Source.StartActivity(name, kind, parent);
    }

    /// <summary>Adds the OpenTelemetry FaaS tags.</summary>
    internal static void Tag(Activity activity, string? functionName, FunctionTrigger trigger, string invocationId, FunctionProvider provider)
    {
        if (functionName is not null)
        {
            activity.SetTag("faas.name", functionName);
        }

        activity.SetTag("faas.trigger", TriggerName(trigger));
        activity.SetTag("faas.invocation_id", invocationId);
        if (ProviderName(provider) is { } providerName)
        {
            activity.SetTag("cloud.provider", providerName);
        }
    }

    /// <summary>Marks the activity of an invocation that did not succeed.</summary>
    internal static void RecordFailure(Activity? activity, FunctionResult result)
    {
        if (activity is null || result.Problem is not { } problem)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, problem.Title);
        activity.SetTag("http.response.status_code", problem.Status);
        activity.SetTag("error.type", result.Exception is { } exception and not FunctionProblemException
            ? exception.GetType().FullName
            : problem.Status.ToString(CultureInfo.InvariantCulture));
        if (result.Exception is { } failure && result.Status is FunctionStatus.Failed)
        {
            activity.AddException(failure);
        }
    }

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
