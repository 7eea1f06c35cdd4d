using Ers.ServiceDefaults;
using Ers.Web.Apis;
using Ers.Web.Extensions;
using Ers.Web.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddErsClusterMembership();
builder.AddErsCardAuthentication();
builder.AddErsBrowserFrontEnd();
builder.AddErsOidcProvider();
builder.AddErsTelemetry();

var app = builder.Build();
app.MapErsHealthEndpoints();
app.MapAgentApi();
app.MapErsBrowserFrontEnd();
app.MapErsOidcProvider();
app.MapAdminApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory tests.</summary>
public partial class Program;
