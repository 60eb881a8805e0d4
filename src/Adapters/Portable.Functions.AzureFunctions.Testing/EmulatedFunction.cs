namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>A function the worker indexed and the emulator loaded, with its bindings.</summary>
public sealed class EmulatedFunction
{
    internal EmulatedFunction(
        string name,
        string functionId,
        string scriptFile,
        string entryPoint,
        string directory,
        string language,
        IReadOnlyList<string> rawBindings,
        IReadOnlyDictionary<string, string> properties,
        int? maxRetryCount)
    {
        Name = name;
        FunctionId = functionId;
        ScriptFile = scriptFile;
        EntryPoint = entryPoint;
        Directory = directory;
        Language = language;
        RawBindings = rawBindings;
        Bindings = [.. rawBindings.Select(raw => new FunctionBindingInfo(raw))];
        Trigger = Bindings.FirstOrDefault(b => b.IsTrigger);
        Properties = properties;
        MaxRetryCount = maxRetryCount;
    }

    /// <summary>Gets the function's name.</summary>
    public string Name { get; }

    /// <summary>Gets the id the worker gave the function, which every invocation names.</summary>
    public string FunctionId { get; }

    /// <summary>Gets the assembly file that holds the function.</summary>
    public string ScriptFile { get; }

    /// <summary>Gets the method's full name.</summary>
    public string EntryPoint { get; }

    /// <summary>Gets the function's directory as the worker reported it (often empty).</summary>
    public string Directory { get; }

    /// <summary>Gets the function's language, <c>dotnet-isolated</c>.</summary>
    public string Language { get; }

    /// <summary>Gets the function's bindings.</summary>
    public IReadOnlyList<FunctionBindingInfo> Bindings { get; }

    /// <summary>Gets the trigger binding, or <see langword="null"/> when the function has none.</summary>
    public FunctionBindingInfo? Trigger { get; }

    /// <summary>Gets the trigger's type, such as <c>httpTrigger</c>, or <see langword="null"/>.</summary>
    public string? TriggerType => Trigger?.Type;

    /// <summary>Gets the bindings' JSON exactly as the worker sent it.</summary>
    public IReadOnlyList<string> RawBindings { get; }

    /// <summary>Gets the function's metadata properties.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>Gets the retry policy's maximum count when the function declares one.</summary>
    public int? MaxRetryCount { get; }

    /// <summary>Gets a value indicating whether the worker loaded the function.</summary>
    public bool IsLoaded => LoadError is null;

    /// <summary>Gets why the worker failed to load the function, or <see langword="null"/> when it loaded.</summary>
    public string? LoadError { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({TriggerType ?? "no trigger"})";
}
