using System.Text;

namespace Ers.Baseline;

/// <summary>
/// ASP.NET Core's own session middleware over <c>AddStackExchangeRedisCache</c>, configured the way the documentation
/// shows it: the session cookie identifies a Redis entry that each request loads (and refreshes: sliding expiry).
/// </summary>
public static class BaselineSessions
{
    public const string UserKey = "user";
    public const string RoleKey = "role";

    /// <summary>Reads <c>ConnectionStrings:Redis</c> (required) and <c>Baseline:IdleTimeout</c> (default 10 minutes).</summary>
    public static WebApplicationBuilder AddBaselineSessions(this WebApplicationBuilder builder)
    {
        var redis = builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("The setting 'ConnectionStrings:Redis' is missing (e.g. 127.0.0.1:6379).");
        // No per-request logging: the comparison is about the session check, not about log I/O.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddStackExchangeRedisCache(o =>
        {
            o.Configuration = redis;
            o.InstanceName = "baseline:";
        });
        builder.Services.AddSession(o =>
        {
            o.IdleTimeout = builder.Configuration.GetValue("Baseline:IdleTimeout", TimeSpan.FromMinutes(10));
            o.Cookie.Name = "baseline.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.IsEssential = true;
        });
        return builder;
    }

    /// <summary>
    /// <c>POST /login?user=U&amp;role=R</c> creates the session (the stand-in for a card login), <c>GET /page</c> is a
    /// page view that needs a live session (401 otherwise), <c>POST /logout</c> clears it.
    /// </summary>
    public static WebApplication MapBaselinePages(this WebApplication app)
    {
        app.MapPost("/login", async (HttpContext context, string user, string? role) =>
        {
            // LoadAsync makes Redis failures surface here as errors rather than as a silently empty session.
            await context.Session.LoadAsync(context.RequestAborted);
            context.Session.SetString(UserKey, user);
            context.Session.SetString(RoleKey, role ?? "none");
            return Results.NoContent();
        });
        app.MapGet("/page", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            if (context.Session.GetString(UserKey) is not { } user)
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "session.none",
                    extensions: new Dictionary<string, object?> { ["code"] = "session.none" });
            }

            var role = context.Session.GetString(RoleKey);
            return Results.Content(Page(user, role), "text/html; charset=utf-8", Encoding.UTF8);
        });
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            context.Session.Clear();
            return Results.NoContent();
        });
        app.MapGet("/health", () => Results.Text("ok"));
        return app;
    }

    // A page about the size of a worklist header: the check, not the rendering, is what is compared.
    private static string Page(string user, string? role) =>
        $"<!doctype html><html><head><title>Worklist</title></head><body><header>{System.Net.WebUtility.HtmlEncode(user)} - " +
        $"{System.Net.WebUtility.HtmlEncode(role)}</header><main><h1>Worklist</h1><p>No referrals need action.</p></main></body></html>";
}
