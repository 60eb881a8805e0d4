using Microsoft.Extensions.DependencyInjection;
using Portable.Functions.Http;

// Serves greet and order-placed on http://localhost:8080 (or $PORT).
return await FunctionsHttpHost.RunAsync(args, services => services.AddGreeterFunctions());
