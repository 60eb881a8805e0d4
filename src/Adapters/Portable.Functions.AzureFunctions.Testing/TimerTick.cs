namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>A timer tick: what the host's timer trigger hands a function as its <c>TimerInfo</c>.</summary>
public sealed class TimerTick
{
    /// <summary>Gets a value indicating whether the tick is late (a missed occurrence).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsPastDue { get; init; }

    /// <summary>Gets the schedule monitor's status; the host sends none when the trigger does not use the monitor.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimerScheduleStatus? ScheduleStatus { get; init; }

    /// <summary>Gets a value indicating whether the schedule adjusts for daylight saving time.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AdjustForDst { get; init; } = true;
}

/// <summary>A timer's schedule status: the last and next occurrences and when the monitor last updated them.</summary>
/// <param name="Last">The last occurrence.</param>
/// <param name="Next">The next occurrence.</param>
/// <param name="LastUpdated">When the status was last updated.</param>
public sealed record TimerScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
