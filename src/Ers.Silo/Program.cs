using Ers.Cluster;
using Ers.ServiceDefaults;
using Ers.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddErsSilo();
builder.AddErsTelemetry();

var app = builder.Build();
app.MapErsHealthEndpoints();
app.MapErsRevocationEndpoints();
app.Run();
