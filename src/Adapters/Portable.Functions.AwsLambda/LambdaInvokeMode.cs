namespace Portable.Functions.AwsLambda;

/// <summary>How a Lambda function URL invokes the function, and so how the function must answer (its <c>InvokeMode</c>).</summary>
public enum LambdaInvokeMode
{
    /// <summary>The URL calls <c>Invoke</c> and waits for the whole response (at most 6 MB): Lambda's default.</summary>
    Buffered,

    /// <summary>The URL calls <c>InvokeWithResponseStream</c>: the response is streamed to the caller as it is written.</summary>
    ResponseStream,
}
