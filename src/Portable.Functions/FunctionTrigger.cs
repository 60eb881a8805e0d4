namespace Portable.Functions;

/// <summary>What triggered an invocation, as the OpenTelemetry <c>faas.trigger</c> attribute names it.</summary>
public enum FunctionTrigger
{
    /// <summary>An HTTP request (<c>http</c>).</summary>
    Http = 0,

    /// <summary>A message from a queue or topic (<c>pubsub</c>).</summary>
    PubSub = 1,

    /// <summary>A change in a data store: storage objects, database streams (<c>datasource</c>).</summary>
    DataSource = 2,

    /// <summary>A schedule (<c>timer</c>).</summary>
    Timer = 3,

    /// <summary>Anything else (<c>other</c>).</summary>
    Other = 4,
}
