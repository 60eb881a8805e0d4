namespace Portable.Functions.AwsLambda;

/// <summary>The shape of the event a Lambda function receives: which AWS service invoked it.</summary>
public enum LambdaEventSource
{
    /// <summary>Detect the source from each payload (the default). Detection never takes one source for another; a payload it does not recognize goes to a typed function as its request, and is refused otherwise.</summary>
    Auto = 0,

    /// <summary>A direct invocation (the Invoke API, Step Functions, the console): the payload is the request or the event data itself.</summary>
    Direct = 1,

    /// <summary>API Gateway REST API, Lambda proxy integration (payload format 1.0); also HTTP APIs configured for payload format 1.0.</summary>
    ApiGatewayRest = 2,

    /// <summary>API Gateway HTTP API (payload format 2.0) and Lambda Function URLs.</summary>
    HttpApi = 3,

    /// <summary>An Application Load Balancer target group, with or without multi-value headers.</summary>
    ApplicationLoadBalancer = 4,

    /// <summary>An SQS queue (event source mapping); failed messages are reported as batch item failures.</summary>
    Sqs = 5,

    /// <summary>An SNS topic subscription.</summary>
    Sns = 6,

    /// <summary>S3 event notifications; each record becomes a <see cref="StorageObjectChange"/>.</summary>
    S3 = 7,

    /// <summary>An EventBridge rule (or a CloudWatch Events rule); scheduled events become a <see cref="ScheduleTick"/>.</summary>
    EventBridge = 8,

    /// <summary>A Kinesis data stream (event source mapping); failures are reported by sequence number.</summary>
    Kinesis = 9,

    /// <summary>A DynamoDB stream (event source mapping); failures are reported by sequence number.</summary>
    DynamoDbStreams = 10,
}
