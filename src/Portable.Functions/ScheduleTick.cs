namespace Portable.Functions;

/// <summary>
/// Portable data of a scheduled invocation: an EventBridge schedule, an Azure timer, a Cloud Scheduler job.
/// </summary>
public sealed class ScheduleTick
{
    /// <summary>Gets or sets the instant the invocation was scheduled for.</summary>
    public DateTimeOffset ScheduledTime { get; set; }

    /// <summary>Gets or sets whether the platform reports that this tick runs late, after a missed schedule.</summary>
    public bool IsPastDue { get; set; }
}
