namespace Portable.Functions;

/// <summary>The platform an invocation runs on.</summary>
public enum FunctionProvider
{
    /// <summary>The plain HTTP/CloudEvents host, an in-memory test host, or any other non-cloud host.</summary>
    Local = 0,

    /// <summary>AWS Lambda.</summary>
    AwsLambda = 1,

    /// <summary>Azure Functions (isolated worker).</summary>
    AzureFunctions = 2,

    /// <summary>Google Cloud Functions and Cloud Run functions.</summary>
    GoogleCloudFunctions = 3,
}
