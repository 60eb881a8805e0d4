using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>
/// The host's end of the worker's <c>EventStream</c>: waits for the worker's <c>StartStream</c>, writes the host's
/// messages in order through one writer, pairs answers with requests (by request id) and invocation responses with
/// invocations (by invocation id), and collects the worker's logs.
/// </summary>
internal sealed class WorkerConnection
{
    private readonly string _workerId;
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingInvocation> _invocations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WorkerLogEntry> _logs = new();
    private int _streams;

    public WorkerConnection(string workerId) => _workerId = workerId;

    /// <summary>Gets a task that completes when the worker opened its stream and sent <c>StartStream</c>.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Gets a task that completes when the worker's stream ended.</summary>
    public Task Disconnected => _disconnected.Task;

    public IReadOnlyList<WorkerLogEntry> Logs => [.. _logs];

    /// <summary>Serves one <c>EventStream</c> call until the worker ends it or the host completes its side.</summary>
    public async Task ServeAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken).ConfigureAwait(false)
            || requests.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream
            || !string.Equals(requests.Current.StartStream.WorkerId, _workerId, StringComparison.Ordinal))
        {
            // Not our worker, or not the protocol's first message: end the call.
            return;
        }

        if (Interlocked.Increment(ref _streams) > 1)
        {
            // A further stream of the same worker: read what it sends; the host writes on the first stream only.
            await ReadAsync(requests, cancellationToken).ConfigureAwait(false);
            return;
        }

        _connected.TrySetResult();
        try
        {
            var reading = ReadAsync(requests, cancellationToken);
            var writing = WriteAsync(responses, cancellationToken);
            await Task.WhenAny(reading, writing).ConfigureAwait(false);
        }
        finally
        {
            OnDisconnected();
        }
    }

    /// <summary>Queues a message for the worker.</summary>
    public void Send(StreamingMessage message)
    {
        if (!_outgoing.Writer.TryWrite(message))
        {
            throw new InvalidOperationException("The connection to the worker is closed.");
        }
    }

    /// <summary>Sends a request and waits for the worker's answer with the same request id.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        message.RequestId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[message.RequestId] = answer;
        try
        {
            Send(message);
            return await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _requests.TryRemove(message.RequestId, out _);
        }
    }

    /// <summary>Registers an invocation before its request is sent, so that no response or log is missed.</summary>
    public PendingInvocation Register(string invocationId)
    {
        var pending = new PendingInvocation(invocationId);
        if (!_invocations.TryAdd(invocationId, pending))
        {
            throw new InvalidOperationException($"An invocation with id '{invocationId}' is already running.");
        }

        if (_disconnected.Task.IsCompleted)
        {
            _invocations.TryRemove(invocationId, out _);
            throw new InvalidOperationException("The worker is no longer connected.");
        }

        return pending;
    }

    public void Unregister(string invocationId) => _invocations.TryRemove(invocationId, out _);

    /// <summary>Completes the host's side of the stream: the worker sees it end once queued messages are written.</summary>
    public void Complete() => _outgoing.Writer.TryComplete();

    private async Task ReadAsync(IAsyncStreamReader<StreamingMessage> requests, CancellationToken cancellationToken)
    {
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // The worker went away, or the server is stopping.
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or Grpc.Core.RpcException)
        {
            // The call ended underneath the writer.
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                var entry = RpcMapping.ToLogEntry(message.RpcLog);
                _logs.Enqueue(entry);
                if (entry.InvocationId is { } id && _invocations.TryGetValue(id, out var owner))
                {
                    owner.AddLog(entry);
                }

                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var pending))
                {
                    pending.Complete(message.InvocationResponse);
                }

                break;
            default:
                if (_requests.TryGetValue(message.RequestId, out var answer))
                {
                    answer.TrySetResult(message);
                }

                break;
        }
    }

    private void OnDisconnected()
    {
        _outgoing.Writer.TryComplete();
        _disconnected.TrySetResult();
        var error = new IOException("The worker's gRPC stream ended.");
        foreach (var request in _requests.Values)
        {
            request.TrySetException(error);
        }

        foreach (var invocation in _invocations.Values)
        {
            invocation.Fail(error);
        }
    }
}

/// <summary>One invocation in flight: its logs as they arrive, and its response.</summary>
internal sealed class PendingInvocation(string invocationId)
{
    private readonly TaskCompletionSource<InvocationResponse> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<WorkerLogEntry> _logs = [];

    public string InvocationId { get; } = invocationId;

    public Task<InvocationResponse> Response => _response.Task;

    public IReadOnlyList<WorkerLogEntry> Logs
    {
        get
        {
            lock (_logs)
            {
                return [.. _logs];
            }
        }
    }

    public void AddLog(WorkerLogEntry entry)
    {
        lock (_logs)
        {
            _logs.Add(entry);
        }
    }

    public void Complete(InvocationResponse response) => _response.TrySetResult(response);

    public void Fail(Exception error) => _response.TrySetException(error);
}
