using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Portable.Functions;

/// <summary>
/// Options that apply to every function of a deployable, on every adapter. Every host binds them from the
/// configuration section <c>PortableFunctions</c> (for instance the environment variable
/// <c>PortableFunctions__IncludeExceptionDetails=true</c>) and validates them at start-up; code configures them with
/// <see cref="PortableFunctionsBuilder.Configure"/>.
/// </summary>
public sealed class FunctionsOptions
{
    /// <summary>The configuration section the options are bound from: <c>PortableFunctions</c>.</summary>
    public const string SectionName = "PortableFunctions";

    /// <summary>
    /// Gets or sets whether 500 problems carry the exception's type, message and stack trace in <c>detail</c>.
    /// Turn it on only in development: it exposes internals to callers.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>
    /// Gets or sets how long before the deadline the handler's cancellation token fires, so that the function can
    /// still answer before the platform cuts it off.
    /// </summary>
    /// <value>The default value is 500 milliseconds. It must not be negative.</value>
    public TimeSpan DeadlineGracePeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Gets or sets the deadline of an invocation on a host whose platform gives none (the HTTP host, the Functions
    /// Framework host, the test host), or <see langword="null"/> for no limit. Platform deadlines (Lambda's
    /// <c>Deadline-Ms</c>) always win.
    /// </summary>
    /// <value>The default value is <see langword="null"/>. When set, it must be positive.</value>
    public TimeSpan? DefaultTimeout { get; set; }
}

/// <summary>Binds <see cref="FunctionsOptions"/> from the registered <see cref="IConfiguration"/>, when there is one.</summary>
internal sealed class FunctionsOptionsConfiguration(IServiceProvider services) : IConfigureOptions<FunctionsOptions>
{
    public void Configure(FunctionsOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
        {
            configuration.GetSection(FunctionsOptions.SectionName).Bind(options);
        }
    }
}

/// <summary>Validates <see cref="FunctionsOptions"/> when they are first read, which every host does at start-up.</summary>
internal sealed class FunctionsOptionsValidation : IValidateOptions<FunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, FunctionsOptions options)
    {
        List<string>? failures = null;
        if (options.DeadlineGracePeriod < TimeSpan.Zero)
        {
            (failures ??= []).Add($"{FunctionsOptions.SectionName}:DeadlineGracePeriod must not be negative; it is {options.DeadlineGracePeriod}.");
        }

        if (options.DefaultTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"{FunctionsOptions.SectionName}:DefaultTimeout must be positive when set; it is {timeout}.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
