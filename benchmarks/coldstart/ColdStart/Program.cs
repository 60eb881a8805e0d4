using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Cold start, measured from outside: spawn a published program, time it to its first answer, kill it, repeat.
//
//   ColdStart lambda [--runs 17] [--discard 2] [--warm 500] name=path [name=path ...]
//       Serves a Lambda Runtime API on loopback; the time is process start → the first POST /response received, and
//       "/next ms" its first part, process start → the first GET /next received (the end of the init phase).
//       Then the process gets --warm more invocations, back to back: "warm µs" is the mean time of one of them
//       (the first /response → the last one, divided by their number), the Runtime API's own time included, and
//       "CPU µs" the processor time the program itself used for one (all its threads, user and kernel: schedstat).
//       With --reference path (a Native AOT hello world), each round also spawns that program and times it to its exit;
//       a last line gives its median and each program's cold start as a multiple of it.
//   ColdStart http [--runs 17] [--discard 2] [--requests 2000] name=path [name=path ...]
//       Sets PORT; the time is process start → the first 200 to a 1 KB POST /greet (polled on a fresh connection).
//       Then --requests more 1 KB POSTs on one keep-alive connection, and as many on 32 connections at once:
//       "req/s" at 1 and at 32 connections (client and server share the machine).
//
// The programs are measured interleaved (run 1 of each, then run 2 of each, ...), the first --discard rounds are
// dropped, and each line reports the median, min, max, the ratio of the medians to the first program (the baseline),
// the resident set at the first answer, the file's size, and the medians of the warm figures with their ratios.
if (args.Length < 2 || args[0] is not ("lambda" or "http"))
{
    Console.Error.WriteLine("usage: ColdStart lambda|http [--runs N] [--discard N] [--warm N] [--requests N] [--reference path] name=path [name=path ...]");
    return 2;
}

var mode = args[0];
var runs = 17;
var discard = 2;
var warm = 500;
var requests = 2000;
string? reference = null;
var programs = new List<(string Name, string Path)>();
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--discard":
            discard = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--warm":
            warm = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--requests":
            requests = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--reference":
            reference = Path.GetFullPath(args[++i]);
            break;
        default:
            var equals = args[i].IndexOf('=', StringComparison.Ordinal);
            programs.Add(equals > 0 ? (args[i][..equals], Path.GetFullPath(args[i][(equals + 1)..])) : (Path.GetFileName(args[i]), Path.GetFullPath(args[i])));
            break;
    }
}

var samples = programs.ToDictionary(p => p.Name, _ => new List<Sample>());
var lifetimes = new List<double>();
using var runtimeApi = mode == "lambda" ? RuntimeApiMock.Start() : null;
for (var round = 0; round < runs + discard; round++)
{
    foreach (var (name, path) in programs)
    {
        var sample = mode == "lambda" ? await MeasureLambdaAsync(path, runtimeApi!, warm) : await MeasureHttpAsync(path, requests);
        if (round >= discard)
        {
            samples[name].Add(sample);
        }
    }

    if (reference is not null)
    {
        var lifetime = await MeasureLifetimeAsync(reference);
        if (round >= discard)
        {
            lifetimes.Add(lifetime);
        }
    }
}

var baseline = Median(samples[programs[0].Name].Select(s => s.Ms));
var baselineWarm = Median(samples[programs[0].Name].Select(s => s.Warm));
var baselineWarm32 = Median(samples[programs[0].Name].Select(s => s.Warm32));
var baselineCpu = Median(samples[programs[0].Name].Select(s => s.WarmCpu));
var warmHeader = mode == "lambda" ? $" {"warm µs",9} {"ratio",7} {"CPU µs",8} {"ratio",7} {"/next ms",9}" : $" {"req/s ×1",9} {"ratio",7} {"req/s ×32",9} {"ratio",7}";
Console.WriteLine($"{"program",-28} {"median ms",10} {"min",8} {"max",8} {"ratio",7} {"RSS MB",8} {"size MB",8}{warmHeader}");
foreach (var (name, path) in programs)
{
    var times = samples[name].Select(s => s.Ms).ToList();
    var median = Median(times);
    var rss = Median(samples[name].Select(s => (double)s.RssKb)) / 1024;
    var warmMedian = Median(samples[name].Select(s => s.Warm));
    var warm32Median = Median(samples[name].Select(s => s.Warm32));
    var cpuMedian = Median(samples[name].Select(s => s.WarmCpu));
    var warmColumns = mode == "lambda"
        ? $" {warmMedian,9:F1} {warmMedian / baselineWarm,7:F2} {cpuMedian,8:F1} {cpuMedian / baselineCpu,7:F2} {Median(samples[name].Select(s => s.NextMs)),9:F2}"
        : $" {warmMedian,9:F0} {warmMedian / baselineWarm,7:F2} {warm32Median,9:F0} {warm32Median / baselineWarm32,7:F2}";
    Console.WriteLine($"{name,-28} {median,10:F2} {times.Min(),8:F2} {times.Max(),8:F2} {median / baseline,7:F2} {rss,8:F1} {new FileInfo(path).Length / 1024.0 / 1024.0,8:F2}{warmColumns}");
}

if (lifetimes.Count > 0)
{
    var lifetime = Median(lifetimes);
    var multiples = string.Join(", ", programs.Select(p => $"{p.Name} {Median(samples[p.Name].Select(s => s.Ms)) / lifetime:F2}×"));
    Console.WriteLine($"{Path.GetFileName(reference)}, spawn → exit: median {lifetime:F2} ms (min {lifetimes.Min():F2}); cold start as a multiple of it: {multiples}");
}

return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static async Task<Sample> MeasureLambdaAsync(string path, RuntimeApiMock api, int warm)
{
    var run = api.NewRun(warm);
    var start = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.Environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{api.Port}";
    start.Environment["_HANDLER"] = "greet";
    start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "coldstart";
    start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
    start.Environment.Remove("AWS_LAMBDA_MAX_CONCURRENCY");
    var started = Stopwatch.GetTimestamp();
    using var process = Process.Start(start)!;
    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
    var answered = await run.Answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
    var rss = ReadRssKb(process.Id);
    var cpuAtFirst = ReadCpuNs(process.Id);
    var warmUs = 0.0;
    var warmCpuUs = 0.0;
    if (warm > 0)
    {
        var last = await run.LastAnswered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        warmUs = Stopwatch.GetElapsedTime(answered.At, last).TotalMicroseconds / warm;
        warmCpuUs = (ReadCpuNs(process.Id) - cpuAtFirst) / 1000.0 / warm;
    }

    process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync();
    if (!answered.Body.Contains("Hello, Ada!", StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"{path} answered '{answered.Body}'.");
    }

    return new Sample(Stopwatch.GetElapsedTime(started, answered.At).TotalMilliseconds, rss, warmUs, 0, Stopwatch.GetElapsedTime(started, run.FirstNext).TotalMilliseconds, warmCpuUs);
}

// Process start → exit, its output read to the end, as for the programs measured (the same spawn, the same pipes).
static async Task<double> MeasureLifetimeAsync(string path)
{
    var start = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    var started = Stopwatch.GetTimestamp();
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    if (process.ExitCode != 0 || (await output).Length == 0)
    {
        throw new InvalidOperationException($"{path} exited with {process.ExitCode}: {await error}");
    }

    return ms;
}

static async Task<Sample> MeasureHttpAsync(string path, int requests)
{
    int port;
    using (var probe = new TcpListener(IPAddress.Loopback, 0))
    {
        probe.Start();
        port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    var body = Encoding.UTF8.GetBytes("{\"name\":\"Ada\",\"note\":\"" + new string('x', 1000) + "\"}");
    var request = Encoding.ASCII.GetBytes($"POST /greet HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n").Concat(body).ToArray();
    var start = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
    start.Environment.Remove("ASPNETCORE_URLS");
    var started = Stopwatch.GetTimestamp();
    using var process = Process.Start(start)!;
    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
    var deadline = started + (30 * Stopwatch.Frequency);
    while (true)
    {
        if (Stopwatch.GetTimestamp() > deadline || process.HasExited)
        {
            throw new InvalidOperationException($"{path} did not answer 200 on port {port}.");
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
        }
        catch (SocketException)
        {
            continue; // not listening yet: try again at once
        }

        await socket.SendAsync(request);
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        var at = Stopwatch.GetTimestamp();
        var text = Encoding.UTF8.GetString(answer.ToArray());
        if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || !text.Contains("Hello, Ada!", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} answered '{text}'.");
        }

        var rss = ReadRssKb(process.Id);
        var one = requests > 0 ? await ThroughputAsync(port, body, requests, 1) : 0;
        var many = requests > 0 ? await ThroughputAsync(port, body, requests, 32) : 0;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return new Sample(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds, rss, one, many);
    }
}

// Requests per second for `requests` 1 KB POSTs spread over `connections` keep-alive connections, after a warm-up of
// one request per connection.
static async Task<double> ThroughputAsync(int port, byte[] body, int requests, int connections)
{
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    async Task SendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync("/greet", content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !text.Contains("Hello, Ada!", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"a warm request was answered {(int)response.StatusCode} '{text}'.");
            }
        }
    }

    await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendAsync(1)));
    var started = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, connections).Select(c => SendAsync((requests / connections) + (c < requests % connections ? 1 : 0))));
    return requests / Stopwatch.GetElapsedTime(started).TotalSeconds;
}


// The processor time all of a process's threads have used, in nanoseconds (the first field of each schedstat). The
// programs wait for the next invocation without running, so read after their answer it is the time up to it.
static long ReadCpuNs(int pid)
{
    long total = 0;
    try
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                total += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
    }
    catch (IOException)
    {
        return 0;
    }

    return total;
}

static long ReadRssKb(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return 0;
    }
}

/// <summary>
/// A Lambda Runtime API on loopback, on raw sockets so that it answers in microseconds: the first 1 + warm GET /next
/// of a run get {"name":"Ada"} (each with its own request id), later ones wait until the run ends; the first POST
/// /response is the cold start, the last one the end of the warm invocations.
/// </summary>
internal sealed class RuntimeApiMock : IDisposable
{
    private static readonly byte[] Event = "{\"name\":\"Ada\"}"u8.ToArray();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Run _run = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static RuntimeApiMock Start()
    {
        var mock = new RuntimeApiMock();
        mock._listener.Start();
        _ = Task.Run(mock.AcceptAsync);
        return mock;
    }

    public Run NewRun(int warm)
    {
        _run.Ended.TrySetResult();
        _run = new Run { Warm = warm };
        return _run;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => ServeAsync(socket, _run));
        }
    }

    private static async Task ServeAsync(Socket socket, Run run)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var filled = 0;
            try
            {
                while (true)
                {
                    int headEnd;
                    while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(filled));
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                    }

                    var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
                    var length = 0;
                    foreach (var line in head.Split("\r\n"))
                    {
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }

                    while (filled < headEnd + 4 + length)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(filled));
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                    }

                    var at = Stopwatch.GetTimestamp();
                    var body = Encoding.UTF8.GetString(buffer, headEnd + 4, length);
                    buffer.AsSpan(headEnd + 4 + length, filled - headEnd - 4 - length).CopyTo(buffer);
                    filled -= headEnd + 4 + length;

                    if (head.StartsWith("GET /2018-06-01/runtime/invocation/next", StringComparison.Ordinal))
                    {
                        var invocation = Interlocked.Increment(ref run.Delivered);
                        if (invocation == 1)
                        {
                            run.FirstNext = at;
                        }

                        if (invocation > 1 + run.Warm)
                        {
                            await run.Ended.Task; // the next invocation never comes: the process is killed
                            return;
                        }

                        var deadline = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds();
                        var answer = Encoding.ASCII.GetBytes(
                            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-{invocation:D12}\r\n"
                            + $"Lambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:coldstart\r\n"
                            + $"Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1\r\nContent-Length: {Event.Length}\r\n\r\n");
                        await socket.SendAsync(answer.Concat(Event).ToArray());
                    }
                    else
                    {
                        await socket.SendAsync("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n"u8.ToArray());
                        if (head.Contains("/response ", StringComparison.Ordinal))
                        {
                            var answered = Interlocked.Increment(ref run.Responses);
                            if (answered == 1)
                            {
                                run.Answered.TrySetResult((at, body));
                            }

                            if (answered == 1 + run.Warm)
                            {
                                run.LastAnswered.TrySetResult(at);
                            }
                        }
                        else
                        {
                            run.Answered.TrySetException(new InvalidOperationException("The runtime reported an error: " + head + "\n" + body));
                        }
                    }
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>One measured process: its first answer, and the end of the run.</summary>
    internal sealed class Run
    {
        public int Delivered;

        public int Responses;

        public int Warm { get; init; }

        public TaskCompletionSource<(long At, string Body)> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<long> LastAnswered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When the first GET /next arrived.</summary>
        public long FirstNext;
    }
}

/// <summary>One measured process: its cold start, its resident set then, and its warm figures.</summary>
internal readonly record struct Sample(double Ms, long RssKb, double Warm, double Warm32, double NextMs = 0, double WarmCpu = 0);
