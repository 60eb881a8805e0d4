using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Portable.Functions.AwsLambda;

/// <summary>
/// The Lambda function's configuration as the platform sets it in the environment: name, version, memory, log
/// group and stream, region. Read it through <c>context.GetFeature&lt;LambdaFunctionEnvironment&gt;()</c> or from DI.
/// </summary>
public sealed class LambdaFunctionEnvironment
{
    internal LambdaFunctionEnvironment(IConfiguration variables)
    {
        FunctionName = variables["AWS_LAMBDA_FUNCTION_NAME"];
        FunctionVersion = variables["AWS_LAMBDA_FUNCTION_VERSION"];
        MemorySizeMegabytes = int.TryParse(variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], NumberStyles.None, CultureInfo.InvariantCulture, out var memory) ? memory : null;
        LogGroupName = variables["AWS_LAMBDA_LOG_GROUP_NAME"];
        LogStreamName = variables["AWS_LAMBDA_LOG_STREAM_NAME"];
        Region = variables["AWS_REGION"] ?? variables["AWS_DEFAULT_REGION"];
        InitializationType = variables["AWS_LAMBDA_INITIALIZATION_TYPE"];
        Handler = variables["_HANDLER"];
    }

    /// <summary>Gets the function name (<c>AWS_LAMBDA_FUNCTION_NAME</c>), or <see langword="null"/> outside Lambda.</summary>
    public string? FunctionName { get; }

    /// <summary>Gets the function version (<c>AWS_LAMBDA_FUNCTION_VERSION</c>), such as <c>$LATEST</c>.</summary>
    public string? FunctionVersion { get; }

    /// <summary>Gets the configured memory in megabytes (<c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c>).</summary>
    public int? MemorySizeMegabytes { get; }

    /// <summary>Gets the CloudWatch Logs group (<c>AWS_LAMBDA_LOG_GROUP_NAME</c>).</summary>
    public string? LogGroupName { get; }

    /// <summary>Gets the CloudWatch Logs stream (<c>AWS_LAMBDA_LOG_STREAM_NAME</c>).</summary>
    public string? LogStreamName { get; }

    /// <summary>Gets the region (<c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>).</summary>
    public string? Region { get; }

    /// <summary>Gets how the execution environment was initialized (<c>AWS_LAMBDA_INITIALIZATION_TYPE</c>): <c>on-demand</c>, <c>provisioned-concurrency</c> or <c>snap-start</c>.</summary>
    public string? InitializationType { get; }

    /// <summary>Gets the handler setting (<c>_HANDLER</c>), which names the function to run.</summary>
    public string? Handler { get; }
}
