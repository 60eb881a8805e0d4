namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>
/// A Storage queue message to deliver to a queue-triggered function, with the properties the host's queue trigger
/// puts into the trigger metadata (<c>Id</c>, <c>DequeueCount</c>, <c>InsertionTime</c>, <c>ExpirationTime</c>,
/// <c>NextVisibleTime</c>, <c>PopReceipt</c>, <c>QueueTrigger</c>).
/// </summary>
/// <param name="body">The message's text.</param>
public sealed class QueueTriggerMessage(string body)
{
    /// <summary>Gets the message's text.</summary>
    public string Body { get; } = body ?? throw new ArgumentNullException(nameof(body));

    /// <summary>Gets the message id.</summary>
    /// <value>The default value is a new GUID.</value>
    public string Id { get; init; } = Guid.NewGuid().ToString();

    /// <summary>Gets how many times the message was dequeued, this time included.</summary>
    /// <value>The default value is 1.</value>
    public long DequeueCount { get; init; } = 1;

    /// <summary>Gets when the message was inserted.</summary>
    /// <value>The default value is <see langword="null"/>: the emulator clock's now.</value>
    public DateTimeOffset? InsertionTime { get; init; }

    /// <summary>Gets when the message expires.</summary>
    /// <value>The default value is <see langword="null"/>: seven days after insertion, the queue's default time to live.</value>
    public DateTimeOffset? ExpirationTime { get; init; }

    /// <summary>Gets when the message becomes visible again.</summary>
    /// <value>The default value is <see langword="null"/>: ten minutes from now, the trigger's visibility timeout.</value>
    public DateTimeOffset? NextVisibleTime { get; init; }

    /// <summary>Gets the pop receipt.</summary>
    /// <value>The default value is a new random receipt.</value>
    public string PopReceipt { get; init; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
}
