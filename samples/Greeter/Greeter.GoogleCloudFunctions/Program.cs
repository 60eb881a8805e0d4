using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.GoogleCloudFunctions;

// FUNCTION_TARGET=greet or FUNCTION_TARGET=order-placed selects the function; PORT defaults to 8080.
return await GoogleCloudFunctionsHost.RunAsync(args, services => services.AddGreeterFunctions());
