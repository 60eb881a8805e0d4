// The MSBuild task (compiled by RoslynCodeTaskFactory at pack time) that writes the templates' content from
// samples/Greeter, so that a template and the sample it comes from cannot drift apart. Every file of the sample's
// projects is copied; the substitutions below are the only differences, and docs/templates.md lists them:
//
//  1. Project files: a ProjectReference into the repository's src/ becomes a PackageReference to that package at the
//     repository's version; a PackageReference without a version gets the one Directory.Packages.props sets; an
//     Import of a package's build file from src/ (and the comment line just above it) is dropped, because NuGet
//     imports the file of a package reference itself; the properties the repository's Directory.Build.props gives
//     every project (TargetFramework, Nullable, ImplicitUsings) are written into the first PropertyGroup.
//  2. In the projects named by NativeAotProjects, the PublishAot, StripSymbols, IlcDehydrate and
//     PositionIndependentExecutable lines (each run of them with the comment line just above it) are wrapped in the
//     template condition NativeAot, the template's --aot option.
//  3. In every text file, repository paths become paths in the created solution ("samples/Greeter/" is removed) and
//     links to docs/ become links to the public repository's docs/.
//  4. A Greeter.slnx lists the template's projects.
//
// The template engine then replaces "Greeter" (the templates' sourceName) with the name the user gives.
// The task fails on a project line it cannot translate, so a sample change that a template would get wrong stops
// the pack instead of shipping.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class GenerateTemplateContent : Task
{
    private static readonly string[] SkippedDirectories = { "bin", "obj", "publish", ".vs" };
    private static readonly string[] SkippedFiles = { "local.settings.json", "function_output.json" };

    /// <summary>The sample's folder (samples/Greeter), holding one folder per project.</summary>
    [Required]
    public string SampleDirectory { get; set; } = "";

    /// <summary>The templates: the identity is the template's folder (pf-app); Projects lists its project folders.</summary>
    [Required]
    public ITaskItem[] Templates { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Directory.Packages.props' PackageVersion items.</summary>
    [Required]
    public ITaskItem[] PackageVersions { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version of this repository's packages.</summary>
    [Required]
    public string Version { get; set; } = "";

    [Required]
    public string TargetFramework { get; set; } = "";

    [Required]
    public string Nullable { get; set; } = "";

    [Required]
    public string ImplicitUsings { get; set; } = "";

    /// <summary>The public repository, for links to its docs.</summary>
    [Required]
    public string RepositoryUrl { get; set; } = "";

    /// <summary>Project folders whose Native AOT lines become conditional on the template's NativeAot symbol.</summary>
    public string[] NativeAotProjects { get; set; } = Array.Empty<string>();

    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>Every written file, with PackagePath metadata: its folder in the package (content/&lt;template&gt;/…/).</summary>
    [Output]
    public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var files = new List<ITaskItem>();
        var versions = PackageVersions.ToDictionary(item => item.ItemSpec, item => item.GetMetadata("Version"), StringComparer.OrdinalIgnoreCase);
        foreach (var template in Templates)
        {
            var projects = template.GetMetadata("Projects").Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).ToList();
            foreach (var project in projects)
            {
                var projectDirectory = Path.Combine(SampleDirectory, project);
                if (!Directory.Exists(projectDirectory))
                {
                    Log.LogError("Template {0} names project {1}, which {2} does not have.", template.ItemSpec, project, SampleDirectory);
                    continue;
                }

                foreach (var source in SampleFiles(projectDirectory))
                {
                    var relative = project + "/" + source.Substring(projectDirectory.Length).TrimStart('/', '\\').Replace('\\', '/');
                    var text = File.ReadAllText(source);
                    if (source.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
                    {
                        text = TranslateProject(relative, text, versions, NativeAotProjects.Contains(project));
                    }

                    files.Add(Write(template.ItemSpec, relative, Substitute(text)));
                }
            }

            var solution = new StringBuilder("<Solution>\n");
            foreach (var project in projects)
            {
                solution.Append("  <Project Path=\"").Append(project).Append('/').Append(project).Append(".csproj\" />\n");
            }

            files.Add(Write(template.ItemSpec, "Greeter.slnx", solution.Append("</Solution>\n").ToString()));
        }

        Files = files.ToArray();
        return !Log.HasLoggedErrors;
    }

    private static IEnumerable<string> SampleFiles(string directory)
    {
        foreach (var file in Directory.GetFiles(directory).OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (!SkippedFiles.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.EndsWith(".user", StringComparison.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }

        foreach (var child in Directory.GetDirectories(directory).OrderBy(d => d, StringComparer.Ordinal))
        {
            if (!SkippedDirectories.Contains(Path.GetFileName(child), StringComparer.OrdinalIgnoreCase))
            {
                foreach (var file in SampleFiles(child))
                {
                    yield return file;
                }
            }
        }
    }

    private string TranslateProject(string path, string text, IDictionary<string, string> versions, bool nativeAotOption)
    {
        var newline = text.Contains("\r\n") ? "\r\n" : "\n";
        var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
        var output = new List<string>();
        var propertiesAdded = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var indent = line.Substring(0, line.Length - line.TrimStart().Length);
            Match match;
            if ((match = Regex.Match(line, "<ProjectReference Include=\"(?<path>[^\"]+)\"")).Success)
            {
                var reference = match.Groups["path"].Value.Replace('\\', '/');
                var intoSrc = Regex.Match(reference, "^(\\.\\./)+src/(.+/)?(?<name>[^/]+)\\.csproj$");
                if (intoSrc.Success)
                {
                    output.Add(indent + "<PackageReference Include=\"" + intoSrc.Groups["name"].Value + "\" Version=\"" + Version + "\" />");
                }
                else if (Regex.IsMatch(reference, "^\\.\\./[^/]+/[^/]+\\.csproj$"))
                {
                    output.Add(line); // another project of the sample, which the template has too
                }
                else
                {
                    Log.LogError("{0}: the template cannot translate the reference '{1}'.", path, reference);
                }
            }
            else if ((match = Regex.Match(line, "<PackageReference Include=\"(?<id>[^\"]+)\"(?<rest>[^>]*)/>")).Success && !match.Groups["rest"].Value.Contains("Version="))
            {
                string version;
                if (versions.TryGetValue(match.Groups["id"].Value, out version))
                {
                    output.Add(line.Replace(match.Value, "<PackageReference Include=\"" + match.Groups["id"].Value + "\" Version=\"" + version + "\"" + match.Groups["rest"].Value.TrimEnd() + " />"));
                }
                else
                {
                    Log.LogError("{0}: Directory.Packages.props has no version of {1}.", path, match.Groups["id"].Value);
                }
            }
            else if (Regex.IsMatch(line, "<Import Project=\"(\\.\\./)+src/"))
            {
                // NuGet imports a package's build/<id>.targets itself; drop the comment that explained the Import too.
                if (output.Count > 0 && output[output.Count - 1].TrimStart().StartsWith("<!--", StringComparison.Ordinal))
                {
                    output.RemoveAt(output.Count - 1);
                }

                while (output.Count > 0 && output[output.Count - 1].Trim().Length == 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else if (line.Contains("<ProjectReference") || line.Contains("<Import "))
            {
                Log.LogError("{0}: the template cannot translate the line '{1}'.", path, line.Trim());
            }
            else if (nativeAotOption && IsNativeAotLine(line))
            {
                // The comment just above the run goes with it, over as many lines as it takes.
                var block = new List<string>();
                var commentStart = output.Count;
                if (commentStart > 0 && output[commentStart - 1].TrimEnd().EndsWith("-->", StringComparison.Ordinal))
                {
                    var first = commentStart - 1;
                    while (first >= 0 && !output[first].TrimStart().StartsWith("<!--", StringComparison.Ordinal))
                    {
                        first--;
                    }

                    commentStart = first >= 0 ? first : commentStart;
                }

                block.AddRange(output.GetRange(commentStart, output.Count - commentStart));
                output.RemoveRange(commentStart, output.Count - commentStart);

                while (i < lines.Count && IsNativeAotLine(lines[i]))
                {
                    block.Add(lines[i++]);
                }

                i--;
                output.Add("<!--#if (NativeAot) -->");
                output.AddRange(block);
                output.Add("<!--#endif -->");
            }
            else
            {
                output.Add(line);
                if (!propertiesAdded && line.Trim() == "<PropertyGroup>")
                {
                    var inner = indent + "  ";
                    output.Add(inner + "<TargetFramework>" + TargetFramework + "</TargetFramework>");
                    output.Add(inner + "<Nullable>" + Nullable + "</Nullable>");
                    output.Add(inner + "<ImplicitUsings>" + ImplicitUsings + "</ImplicitUsings>");
                    propertiesAdded = true;
                }
            }
        }

        if (!propertiesAdded)
        {
            Log.LogError("{0}: the template needs a <PropertyGroup> line to write the repository-wide properties into.", path);
        }

        return string.Join(newline, output);
    }

    private static bool IsNativeAotLine(string line) =>
        line.Contains("<PublishAot>") || line.Contains("<StripSymbols>") || line.Contains("<IlcDehydrate>") ||
        line.Contains("<PositionIndependentExecutable>");

    private string Substitute(string text) =>
        Regex.Replace(text.Replace("samples/Greeter/", ""), "(?<![\\w/.-])docs/", RepositoryUrl.TrimEnd('/') + "/blob/main/docs/");

    private ITaskItem Write(string template, string relative, string text)
    {
        var path = Path.Combine(OutputDirectory, template, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path));
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text);
        }

        // A folder as PackagePath (pack appends the file's name): a file path without an extension, such as a
        // Dockerfile's, would be taken for a folder.
        var folder = relative.Contains("/") ? relative.Substring(0, relative.LastIndexOf('/') + 1) : "";
        var item = new TaskItem(path);
        item.SetMetadata("PackagePath", "content/" + template + "/" + folder);
        return item;
    }
}
