using Ers.Baseline;

// The session check most sites do: a cookie names a session whose data lives in Redis; every page view loads it.
var builder = WebApplication.CreateBuilder(args);
builder.AddBaselineSessions();

var app = builder.Build();
app.UseSession();
app.MapBaselinePages();
app.Run();
