using Ers.Cluster;
using Ers.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddErsSilo();
builder.AddErsTelemetry();

var app = builder.Build();
app.MapErsHealthEndpoints();
app.Run();
