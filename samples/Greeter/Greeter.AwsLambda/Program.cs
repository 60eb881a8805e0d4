using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.AwsLambda;

// A Lambda runtime for the Greeter: _HANDLER picks the function, greet (API Gateway, Function URL, direct) or
// order-placed (SQS, SNS, EventBridge, ...).
return await LambdaFunctionsHost.RunAsync(args, services => services.AddGreeterFunctions());
