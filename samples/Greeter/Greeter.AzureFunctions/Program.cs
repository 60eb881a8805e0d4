using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The isolated worker with the ASP.NET Core integration; greet and order-placed come from the PortableFunction items
// of the project file.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddGreeterFunctions().AddPortableFunctionsAzureFunctions();
builder.Build().Run();
