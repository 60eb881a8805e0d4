using System.Text.RegularExpressions;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Packaging.Tests;

/// <summary>
/// What a user starts from, made once for the consumer tests: the solution packed into a temporary local feed, the
/// template package installed into a private template hive, and a folder for apps whose nuget.config takes our
/// packages from that feed only and everything else from the default source. Consumer builds restore into a private
/// NUGET_PACKAGES folder, so a cached copy of an earlier 0.x build can never stand in for the packages just made;
/// nothing is written into the repository, the user's template list or the user's package cache.
/// </summary>
public sealed partial class ConsumerFeed : IAsyncLifetime
{
    /// <summary>The variable that turns the consumer tests on (.ci/run sets it).</summary>
    public const string Switch = "PORTABLE_FUNCTIONS_PACKAGING";

    /// <summary>The key of the local feed in the apps' nuget.config.</summary>
    public const string LocalSourceKey = "portable-functions-local";

    private string? _root;

    /// <summary>Gets a value indicating whether the consumer tests run (<see cref="Switch"/> is set).</summary>
    public static bool Enabled => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Switch));

    /// <summary>Gets the version every package was packed with: the repository's VersionPrefix.</summary>
    public static string Version { get; } = VersionPrefix().Match(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"))).Groups[1].Value;

    /// <summary>Gets the local feed the solution was packed into.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Gets the private template hive.</summary>
    public string Hive => Path.Combine(Root, "hive");

    /// <summary>Gets the folder apps are created in (it holds their nuget.config).</summary>
    public string Apps => Path.Combine(Root, "apps");

    /// <summary>Gets the output of the pack.</summary>
    public DotnetResult? Pack { get; private set; }

    /// <summary>Gets the output of the template install.</summary>
    public DotnetResult? Install { get; private set; }

    /// <summary>Gets the user's template list before the install.</summary>
    public string UserTemplatesBefore { get; private set; } = string.Empty;

    /// <summary>Gets the environment of every consumer command: the private package folder.</summary>
    public IReadOnlyDictionary<string, string?> ConsumerEnvironment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
    };

    private string Root => _root ?? throw new InvalidOperationException("The feed was not made: " + Switch + " is not set.");

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        if (!Enabled)
        {
            return;
        }

        _root = Directory.CreateTempSubdirectory("pf-consumer-").FullName;
        Directory.CreateDirectory(Apps);
        var none = new Dictionary<string, string?>();
        UserTemplatesBefore = (await DotnetCli.RunAsync(Root, none, ["new", "list"])).Output;

        // The command the issue names: the solution, packed in Release into a folder.
        Pack = await DotnetCli.RunAsync(RepositoryPaths.Root, none, ["pack", "Portable.Functions.sln", "-c", "Release", "-o", Feed, "--disable-build-servers"], TimeSpan.FromMinutes(20));
        Pack.AssertSucceeded();

        var templates = Path.Combine(Feed, $"{ShippedPackages.Templates}.{Version}.nupkg");
        Install = await DotnetCli.RunAsync(Root, none, ["new", "install", templates, "--debug:custom-hive", Hive]);
        Install.AssertSucceeded();

        await File.WriteAllTextAsync(Path.Combine(Apps, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- Our packages from the feed just packed; everything else from the machine's default source, by its key. -->
            <configuration>
              <packageSources>
                <add key="{LocalSourceKey}" value="{Feed}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="{LocalSourceKey}">
                  <package pattern="Portable.Functions" />
                  <package pattern="Portable.Functions.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>Creates an app from a template in its own folder under <see cref="Apps"/>.</summary>
    /// <param name="shortName">The template's short name, such as <c>pf-app</c>.</param>
    /// <param name="name">The name given with <c>-n</c>.</param>
    /// <param name="options">More template options, such as <c>--aot false</c>.</param>
    /// <returns>The app's folder.</returns>
    public async Task<string> CreateAsync(string shortName, string name, params string[] options)
    {
        var folder = Path.Combine(Apps, $"{shortName}-{name}");
        (await DotnetCli.RunAsync(Apps, ConsumerEnvironment, ["new", shortName, "-n", name, "-o", folder, "--no-restore", "--debug:custom-hive", Hive, .. options])).AssertSucceeded();
        return folder;
    }

    /// <summary>Runs a dotnet command in an app's folder as its user would, with the private package folder.</summary>
    /// <param name="folder">The app's folder.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The command's result, already checked to have succeeded.</returns>
    public async Task<DotnetResult> DotnetAsync(string folder, params string[] arguments) =>
        (await DotnetCli.RunAsync(folder, ConsumerEnvironment, [.. arguments])).AssertSucceeded();

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_root is not null)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A process that has not let go yet; the system's temporary folder is cleaned eventually.
            }
        }

        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();
}
