using System.Diagnostics;
using System.Text;

namespace Portable.Functions.Packaging.Tests;

/// <summary>The result of one <c>dotnet</c> command: its exit code and everything it printed.</summary>
public sealed record DotnetResult(string Command, int ExitCode, string Output)
{
    /// <summary>Fails the test, with the command's output, unless the command exited with 0.</summary>
    /// <returns>This result.</returns>
    public DotnetResult AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"'{Command}' exited with {ExitCode}:{Environment.NewLine}{Output}");
        return this;
    }
}

/// <summary>
/// Runs the .NET CLI as a user would, in a folder outside the repository, with the environment the caller gives
/// (a private NUGET_PACKAGES for consumer builds) and without the MSBuild variables a test host may have inherited.
/// </summary>
public static class DotnetCli
{
    private static readonly string[] InheritedBuildVariables = ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "DOTNET_HOST_PATH"];

    /// <summary>Runs <c>dotnet</c> with arguments and waits for it (at most <paramref name="timeout"/>, 10 minutes by default).</summary>
    /// <param name="workingDirectory">The folder it runs in.</param>
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <returns>Its exit code and output.</returns>
    public static async Task<DotnetResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, arguments))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(output, "(stopped: it ran longer than its time limit)");
        }

        process.WaitForExit(); // flushes the redirected output
        lock (output)
        {
            return new DotnetResult("dotnet " + string.Join(' ', arguments), process.ExitCode, output.ToString());
        }
    }

    /// <summary>The start information of a <c>dotnet</c> process with the given environment.</summary>
    /// <param name="workingDirectory">The folder it runs in.</param>
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The start information.</returns>
    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> arguments) =>
        StartInfo("dotnet", workingDirectory, environment, arguments);

    /// <summary>The start information of any program with the given environment, output redirected.</summary>
    /// <param name="fileName">The program.</param>
    /// <param name="workingDirectory">The folder it runs in.</param>
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The start information.</returns>
    public static ProcessStartInfo StartInfo(string fileName, string workingDirectory, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in InheritedBuildVariables)
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        // No build server or node outlives the command: nothing keeps the temporary folders busy afterwards.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
