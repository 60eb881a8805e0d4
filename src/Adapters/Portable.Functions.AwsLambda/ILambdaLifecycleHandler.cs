namespace Portable.Functions.AwsLambda;

/// <summary>
/// Code that runs at the turns of a Lambda execution environment's life: before a SnapStart snapshot is taken, after the
/// environment is restored from it, and when it shuts down. Register implementations in the services (for example
/// <c>services.AddSingleton&lt;ILambdaLifecycleHandler, WarmCaches&gt;()</c>); they run in registration order.
/// Implement only what you need: every method does nothing by default.
/// </summary>
/// <remarks>
/// <para>With SnapStart (<c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c>), everything the process holds before the snapshot
/// is shared by every environment restored from it: re-create what must be unique or fresh in
/// <see cref="AfterRestoreAsync"/> — <see cref="System.Random"/> instances and anything seeded from them, network
/// connections and pooled clients, temporary credentials, cached timestamps and expiries, unique ids made at
/// start-up. <see cref="Guid.NewGuid"/> and <see cref="System.Security.Cryptography.RandomNumberGenerator"/> draw from
/// the operating system and stay unique.</para>
/// <para>A failure before the snapshot is an init error; a failure after the restore is reported to
/// <c>/runtime/restore/error</c>; either ends the process. Shutdown handlers share the grace period
/// (<see cref="AwsLambdaFunctionsOptions.ShutdownTimeout"/>) and their token fires when it is over.</para>
/// </remarks>
public interface ILambdaLifecycleHandler
{
    /// <summary>Runs before the SnapStart snapshot is taken, after the functions are built: warm caches, prime connections you will re-open.</summary>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    /// <returns>A task that completes when the environment is ready to be snapshotted.</returns>
    Task BeforeSnapshotAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after the environment is restored from the SnapStart snapshot, before the first invocation: re-seed, re-connect, refresh.</summary>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    /// <returns>A task that completes when the environment is ready to serve.</returns>
    Task AfterRestoreAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the environment shuts down (<c>SIGTERM</c>), after the last invocation finished and before logs are flushed.</summary>
    /// <param name="cancellationToken">Fires when the shutdown grace period is over.</param>
    /// <returns>A task that completes when the cleanup is done.</returns>
    Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
