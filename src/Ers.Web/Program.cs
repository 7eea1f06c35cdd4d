using Ers.ServiceDefaults;
using Ers.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddErsClusterMembership();
builder.AddErsTelemetry();

var app = builder.Build();
app.MapErsHealthEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory tests.</summary>
public partial class Program;
