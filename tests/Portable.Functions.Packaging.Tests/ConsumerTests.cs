using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Portable.Functions.AwsLambda.Tests;
using Portable.Functions.TestUtilities;

namespace Portable.Functions.Packaging.Tests;

/// <summary>
/// The packages and templates as a new user meets them: <c>dotnet pack</c> of the solution, the templates installed
/// from that feed into a private hive, every template created in a temporary folder, built against the feed, the Http
/// entry called over HTTP and the Lambda entry published with Native AOT and invoked. Minutes long, so it runs when
/// <c>PORTABLE_FUNCTIONS_PACKAGING</c> is set, as .ci/run sets it:
/// <c>PORTABLE_FUNCTIONS_PACKAGING=1 dotnet test --project tests/Portable.Functions.Packaging.Tests</c>.
/// </summary>
public sealed partial class ConsumerTests(ConsumerFeed feed) : IClassFixture<ConsumerFeed>
{
    private const string SkipReason = "Set " + ConsumerFeed.Switch + "=1 to pack the solution and build apps from the templates (.ci/run does).";

    private static readonly string[] Templates = ["pf-app", "pf-http", "pf-lambda", "pf-azure", "pf-gcf"];

    /// <summary>Gets a value indicating whether the consumer tests run.</summary>
    public static bool Enabled => ConsumerFeed.Enabled;

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public void Pack_Solution_YieldsEveryLibraryWithReadmeXmlDocsSymbolsAndMetadata()
    {
        foreach (var (id, _) in ShippedPackages.Libraries)
        {
            using var package = OpenPackage(id);
            var entries = package.Entries.Select(entry => entry.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("PACKAGE.md", entries);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);

            var metadata = Nuspec(package, id);
            Assert.Equal(id, Value(metadata, "id"));
            Assert.Equal(ConsumerFeed.Version, Value(metadata, "version"));
            Assert.Equal("Portable.Functions contributors", Value(metadata, "authors"));
            Assert.Equal("MIT", Value(metadata, "license"));
            Assert.Equal("expression", metadata.Element(metadata.Name.Namespace + "license")!.Attribute("type")!.Value);
            Assert.Equal("PACKAGE.md", Value(metadata, "readme"));
            Assert.Equal("https://github.com/portable-functions/portable-functions", Value(metadata, "projectUrl"));
            Assert.Equal("https://github.com/portable-functions/portable-functions", metadata.Element(metadata.Name.Namespace + "repository")!.Attribute("url")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")), $"{id} has no description.");
            Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "tags")), $"{id} has no tags.");

            var symbols = Path.Combine(feed.Feed, $"{id}.{ConsumerFeed.Version}.snupkg");
            Assert.True(File.Exists(symbols), $"{id} has no symbol package.");
            using var symbolPackage = ZipFile.OpenRead(symbols);
            Assert.Contains(symbolPackage.Entries, entry => entry.FullName == $"lib/net10.0/{id}.pdb");
        }
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public void Pack_AzureFunctions_CarriesItsBuildTargetsUnderThePackageId()
    {
        using var package = OpenPackage("Portable.Functions.AzureFunctions");

        Assert.Contains(package.Entries, entry => entry.FullName == "build/Portable.Functions.AzureFunctions.targets");
        Assert.Contains(package.Entries, entry => entry.FullName == "buildTransitive/Portable.Functions.AzureFunctions.targets");
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public void Pack_Templates_HoldEverySampleFileAsItIs_ExceptTheDocumentedSubstitutions()
    {
        using var package = OpenPackage(ShippedPackages.Templates);
        var metadata = Nuspec(package, ShippedPackages.Templates);
        Assert.Equal("Template", metadata.Element(metadata.Name.Namespace + "packageTypes")!.Elements().Single().Attribute("name")!.Value);
        var sample = Path.Combine(RepositoryPaths.Root, "samples", "Greeter");

        foreach (var template in Templates)
        {
            var prefix = $"content/{template}/";
            var content = package.Entries.Where(entry => entry.FullName.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(entry => entry.FullName[prefix.Length..], StringComparer.Ordinal);
            Assert.Contains(".template.config/template.json", content.Keys);
            var projects = content.Keys.Where(path => path.EndsWith(".csproj", StringComparison.Ordinal)).Select(path => path.Split('/')[0]).ToList();
            Assert.Contains("Greeter.Functions", projects);

            foreach (var project in projects)
            {
                var files = SampleFiles(Path.Combine(sample, project)).ToList();
                Assert.Equal(
                    files.Select(file => $"{project}/{file}").Order(StringComparer.Ordinal),
                    content.Keys.Where(path => path.StartsWith(project + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
                foreach (var file in files.Where(file => !file.EndsWith(".csproj", StringComparison.Ordinal)))
                {
                    var expected = Substituted(File.ReadAllText(Path.Combine(sample, project, file)));
                    using var reader = new StreamReader(content[$"{project}/{file}"].Open());
                    Assert.True(expected == reader.ReadToEnd(), $"{template}: {project}/{file} differs from the sample's.");
                }
            }
        }
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public async Task Install_Templates_GoIntoTheirOwnHive_AndTheUsersTemplateListIsUnchanged()
    {
        foreach (var template in Templates)
        {
            Assert.Contains(template, feed.Install!.Output, StringComparison.Ordinal);
        }

        var after = await DotnetCli.RunAsync(feed.Apps, new Dictionary<string, string?>(), ["new", "list"]);
        Assert.Equal(feed.UserTemplatesBefore, after.Output);
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public async Task PfApp_Created_BuildsEveryProject_AndItsHttpEntryAnswersGreet()
    {
        var app = await feed.CreateAsync("pf-app", "Shop");
        AssertReferencesOurPackages(app);

        await feed.DotnetAsync(app, "build", "Shop.slnx", "--disable-build-servers");

        // The Azure package's build/ targets were imported by NuGet and wrote the [Function] entry points, which the
        // Worker SDK then found.
        var metadata = await File.ReadAllTextAsync(Path.Combine(app, "Shop.AzureFunctions", "bin", "Debug", "net10.0", "functions.metadata"));
        Assert.Contains("\"name\": \"greet\"", metadata, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"order-placed\"", metadata, StringComparison.Ordinal);

        var port = LoopbackPorts.Free();
        var start = DotnetCli.StartInfo(app, new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["ASPNETCORE_URLS"] = null }, [Path.Combine(app, "Shop.Http", "bin", "Debug", "net10.0", "Shop.Http.dll")]);
        var (status, body, output) = await CallWhileRunningAsync(start, new Uri($"http://localhost:{port}/greet"));

        Assert.True(status == 200, $"greet answered {status}: {body}{Environment.NewLine}{output}");
        Assert.Equal("""{"message":"Hello, Ada!"}""", body);
    }

    [Theory(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    [InlineData("pf-http", "Shop.Http")]
    [InlineData("pf-azure", "Shop.AzureFunctions")]
    [InlineData("pf-gcf", "Shop.GoogleCloudFunctions")]
    public async Task SingleHostTemplate_Created_HasTheLibraryAndItsEntry_AndBuilds(string template, string entry)
    {
        var app = await feed.CreateAsync(template, "Shop");

        Assert.Equal(new[] { "Shop.Functions", entry }.Order(StringComparer.Ordinal), Directory.GetDirectories(app).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        AssertReferencesOurPackages(app);
        await feed.DotnetAsync(app, "build", "Shop.slnx", "--disable-build-servers");
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public async Task PfLambda_Created_PublishesWithNativeAot_AndTheBinaryServesGreet()
    {
        var app = await feed.CreateAsync("pf-lambda", "Orders");
        var output = Path.Combine(app, "publish");

        var publish = await feed.DotnetAsync(app, "publish", "Orders.AwsLambda", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "--disable-build-servers");

        Assert.DoesNotMatch(TrimOrAotWarning(), publish.Output);
        var binary = Path.Combine(output, OperatingSystem.IsWindows() ? "Orders.AwsLambda.exe" : "Orders.AwsLambda");
        Assert.True(File.Exists(binary), $"{binary} was not published:{Environment.NewLine}{publish.Output}");
        Assert.False(File.Exists(Path.Combine(output, "Orders.AwsLambda.dll")), "The publish is not native: it has a managed entry assembly.");
        if (OperatingSystem.IsLinux())
        {
            // The sample's cold-start settings reached the template: an executable linked at a fixed address (ELF
            // e_type ET_EXEC, 2) rather than a position-independent one (ET_DYN, 3), which the loader relocates.
            var header = new byte[18];
            await using (var file = File.OpenRead(binary))
            {
                await file.ReadExactlyAsync(header, TestContext.Current.CancellationToken);
            }

            Assert.Equal(2, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(16)));
        }

        await using var runtimeApi = await RuntimeApiServer.StartAsync();
        var start = DotnetCli.StartInfo(binary, app, new Dictionary<string, string?> { ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address, ["_HANDLER"] = "greet", ["AWS_LAMBDA_MAX_CONCURRENCY"] = null }, []);
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var result = await runtimeApi.ResultAsync(runtimeApi.Enqueue("""{"name":"Ada"}"""));
            Assert.Equal("""{"message":"Hello, Ada!"}""", result.Body);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(Enabled))]
    public async Task PfLambda_CreatedWithAotOff_HasNoNativeAotProperties_AndBuilds()
    {
        var app = await feed.CreateAsync("pf-lambda", "Jit", "--aot", "false");

        var project = await File.ReadAllTextAsync(Path.Combine(app, "Jit.AwsLambda", "Jit.AwsLambda.csproj"));
        Assert.DoesNotContain("<PublishAot>", project, StringComparison.Ordinal);
        Assert.DoesNotContain("<StripSymbols>", project, StringComparison.Ordinal);
        Assert.DoesNotContain("<IlcDehydrate>", project, StringComparison.Ordinal);
        Assert.DoesNotContain("<PositionIndependentExecutable>", project, StringComparison.Ordinal);
        Assert.DoesNotContain("#if", project, StringComparison.Ordinal);
        await feed.DotnetAsync(app, "build", "Jit.slnx", "--disable-build-servers");
    }

    // Every project of a created app references our packages at the packed version, and nothing in the repository.
    private static void AssertReferencesOurPackages(string app)
    {
        foreach (var project in Directory.EnumerateFiles(app, "*.csproj", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(project);
            Assert.DoesNotContain("src/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("<Import", text, StringComparison.Ordinal);
            Assert.Matches($"<PackageReference Include=\"Portable\\.Functions[.A-Za-z]*\" Version=\"{Regex.Escape(ConsumerFeed.Version)}\" />", text);
            Assert.DoesNotMatch("<PackageReference Include=\"[^\"]+\" />", text); // every version explicit: no central package management here
        }

        Assert.False(File.Exists(Path.Combine(app, "Directory.Build.props")));
        Assert.False(File.Exists(Path.Combine(app, "Directory.Packages.props")));
    }

    // Starts a host, posts {"name":"Ada"} until it answers (60 seconds at most), then stops it.
    private static async Task<(int Status, string Body, string Output)> CallWhileRunningAsync(ProcessStartInfo start, Uri uri)
    {
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            for (var attempt = 0; attempt < 120 && !process.HasExited; attempt++)
            {
                try
                {
                    using var content = new StringContent("""{"name":"Ada"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                    using var response = await client.PostAsync(uri, content);
                    return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), Snapshot(output));
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500);
                }
            }

            return (0, "(no answer)", Snapshot(output));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private ZipArchive OpenPackage(string id)
    {
        var path = Path.Combine(feed.Feed, $"{id}.{ConsumerFeed.Version}.nupkg");
        Assert.True(File.Exists(path), $"dotnet pack did not make {path}:{Environment.NewLine}{feed.Pack?.Output}");
        return ZipFile.OpenRead(path);
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Element(document.Root.Name.Namespace + "metadata")!;
    }

    private static string? Value(XElement metadata, string name) => metadata.Element(metadata.Name.Namespace + name)?.Value;

    // The sample's files as the template generator takes them (bin, obj and local settings left out), relative paths.
    private static IEnumerable<string> SampleFiles(string projectDirectory) =>
        Directory.EnumerateFiles(projectDirectory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(projectDirectory, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal) && !path.StartsWith("publish/", StringComparison.Ordinal))
            .Where(path => path is not "local.settings.json" and not "function_output.json" && !path.EndsWith(".user", StringComparison.Ordinal));

    // The substitutions docs/templates.md lists for files other than project files.
    private static string Substituted(string text) =>
        DocsLink().Replace(text.Replace("samples/Greeter/", string.Empty, StringComparison.Ordinal), "https://github.com/portable-functions/portable-functions/blob/main/docs/");

    [GeneratedRegex(@"(?<![\w/.-])docs/")]
    private static partial Regex DocsLink();

    [GeneratedRegex(@": (warning|error) (IL|AOT)[0-9]+")]
    private static partial Regex TrimOrAotWarning();
}
