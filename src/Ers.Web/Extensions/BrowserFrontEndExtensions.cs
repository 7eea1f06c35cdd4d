using Ers.Web.Browser;
using Ers.Web.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.FileProviders;

// In the namespace Program.cs already imports, so wiring the pages in costs Program.cs one line each.
namespace Ers.Web.Extensions;

/// <summary>The clinicians' web pages: ticket login, cookie sessions, business functions, homepages, live logout.</summary>
public static class BrowserFrontEndExtensions
{
    public static WebApplicationBuilder AddErsBrowserFrontEnd(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BrowserOptions>()
            .Bind(builder.Configuration.GetSection(BrowserOptions.Section))
            .Validate(o => !o.Validate().Any(), $"Invalid {BrowserOptions.Section} settings")
            .ValidateOnStart();
        // The web node reads the session rules (warning lengths) from the silo's settings, checked at start the same way.
        Ers.Grains.GrainServices.AddErsSessionOptions(services, builder.Configuration);
        services.TryAddSingletonTimeProvider();

        builder.AddErsDataProtection();

        services.AddSingleton<SessionView>();
        services.AddSingleton<SessionEndSubscription>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionEndSubscription>());
        services.AddHealthChecks().AddCheck<SessionEndSubscriptionCheck>("session-end-subscription", tags: [Ers.ServiceDefaults.HealthEndpoints.Ready]);
        // The token format is the agents' API's (BrowserTicketTokens, registered by AddErsCardAuthentication).
        services.AddSingleton<IBrowserTicketReader, SharedBrowserTicketReader>();
        services.AddSingleton<EdgeAudit>();

        services.AddAuthentication(BrowserSession.Scheme)
            .AddCookie(BrowserSession.Scheme, o =>
            {
                o.Cookie.Name = BrowserSession.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                // Lax, not Strict: the login link arrives as a top-level navigation from the agent, and the
                // redirect that follows must carry the new cookie. State changes are POSTs with anti-forgery tokens.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.Path = "/";
                o.SlidingExpiration = false;
                // The grain's absolute timeout ends the session sooner; this only bounds a stolen cookie's life.
                o.ExpireTimeSpan = TimeSpan.FromHours(9);
                o.LoginPath = "/";
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = ValidateSessionAsync,
                    OnRedirectToLogin = RedirectToInsertCardAsync,
                    OnRedirectToAccessDenied = context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    },
                };
            });
        // After the cookie handler's own post-configuration has built the Data Protection ticket format: wrap it.
        services.AddOptions<CookieAuthenticationOptions>(BrowserSession.Scheme)
            .PostConfigure<IServiceProvider>((o, sp) =>
            {
                var size = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BrowserOptions>>().Value.CookieTicketCacheSize;
                if (size > 0 && o.TicketDataFormat is { } format and not CachedTicketFormat)
                {
                    o.TicketDataFormat = new CachedTicketFormat(format, sp.GetRequiredService<TimeProvider>(), size);
                }
            });
        services.AddAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__Host-ers-af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AllowAnonymousToPage("/Status");
            o.Conventions.ConfigureFilter(new PageViewActivityFilter());
        });
        return builder;
    }

    public static WebApplication MapErsBrowserFrontEnd(this WebApplication app)
    {
        // Pages get a page for a bare error status; the agents' API keeps its own problem details.
        // In a scope of its own: the re-executed request authenticates afresh (a request's first, failed authentication
        // is cached in its scope), so a store outage's "service is busy" page is shown, not an empty 503.
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        app.Use(StoreOutagePages.InvokeAsync);
        app.Use((context, next) =>
        {
            if (!StatusPages.AreShownFor(context.Request.Path) &&
                context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }

            return next(context);
        });
        app.Use(SecurityHeaders);
        app.UseStaticFiles();
        // nhsuk-frontend's CSS names its icons under /assets: serve them from the copy the build made.
        var assets = Path.Combine(app.Environment.WebRootPath ?? "wwwroot", "lib", "nhsuk-frontend", "assets");
        if (System.IO.Directory.Exists(assets))
        {
            app.UseStaticFiles(new StaticFileOptions { RequestPath = "/assets", FileProvider = new PhysicalFileProvider(assets) });
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapSessionEndpoints();
        return app;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider) && !d.IsKeyedService))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>
    /// Every request with a cookie: the cookie is decrypted and authenticated first (Data Protection), and only then
    /// is its session looked up in the node-local view (a grain call only on a miss or a stale entry).
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        if (StoreOutagePages.IsShowing(context.HttpContext))
        {
            // The "service is busy" page of this very outage (the status-code pages re-execute /status/503): shown
            // without the session (its data hidden, its cookie kept) and at once, not after a second wait on the
            // store that just failed.
            context.RejectPrincipal();
            return;
        }

        var sessionId = context.Principal?.SessionId();
        var status = sessionId is null ? null : await context.HttpContext.RequestServices.GetRequiredService<SessionView>().GetAsync(sessionId);
        if (status is { IsLive: true })
        {
            context.HttpContext.SetSession(status);
            return;
        }

        context.HttpContext.SetEnded(status?.EndReason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(BrowserSession.Scheme);
    }

    private static Task RedirectToInsertCardAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (context.Request.Path.StartsWithSegments("/session") || context.Request.Path.StartsWithSegments(Apis.AdminApi.Prefix))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        var ended = context.HttpContext.EndedReason();
        context.Response.Redirect(ended is { } reason ? "/?ended=" + Ers.Sessions.SessionEndReasons.Code(reason) : "/");
        return Task.CompletedTask;
    }

    private static async Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Path.StartsWithSegments(Oidc.OidcRoutes.Prefix))
        {
            // OpenIddict's form_post answer is a page whose one inline script posts the code to the application: forms
            // only to that client's registered redirect URI, decided once OpenIddict has read the request.
            headers.ContentSecurityPolicy = ProviderPolicy(null);
            context.Response.OnStarting(async () =>
            {
                var request = context.GetOpenIddictServerRequest();
                context.Response.Headers.ContentSecurityPolicy = ProviderPolicy(await Oidc.OidcFormAction.ForAsync(context, request?.ClientId, request?.RedirectUri));
            });
            await next();
            return;
        }

        // No inline script or style anywhere: every script and stylesheet is a file from this site. The NHS fonts
        // come from the NHS asset host. Forms go to this site only, except that the pages whose form resumes an
        // application's sign-in allow that client's registered redirect URI, where the resumed sign-in redirects to.
        var resumes = Oidc.OidcFormAction.ResumePages.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
            ? await Oidc.OidcFormAction.PendingAsync(context)
            : null;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' https://assets.nhs.uk; " +
            $"connect-src 'self'; form-action 'self'{(resumes is null ? "" : " " + resumes)}; frame-ancestors 'none'; base-uri 'self'";
        await next();
    }

    private static string ProviderPolicy(string? formAction) =>
        $"default-src 'none'; script-src 'unsafe-inline'; form-action {formAction ?? "'none'"}; frame-ancestors 'none'; base-uri 'none'";
}
