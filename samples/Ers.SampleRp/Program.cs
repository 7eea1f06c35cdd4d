using Ers.SampleRp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<SampleRpOptions>()
    .Bind(builder.Configuration.GetSection(SampleRpOptions.Section))
    .Validate(o => Uri.TryCreate(o.Authority, UriKind.Absolute, out _), "SampleRp:Authority must be an absolute URL.")
    .Validate(o => o.ClientId.Length > 0, "SampleRp:ClientId is required.")
    .ValidateOnStart();

builder.Services.AddAuthentication(o =>
    {
        o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie(o =>
    {
        o.Cookie.Name = "__Host-sample-rp";
        o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        // A cookie of a provider session that back-channel logout said has ended signs nobody in any more.
        o.Events.OnValidatePrincipal = async context =>
        {
            var ended = context.HttpContext.RequestServices.GetRequiredService<EndedSessions>();
            if (ended.HasEnded(context.Principal?.FindFirst("sid")?.Value))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                context.HttpContext.Items[EndedSessions.EndedItem] = true;
            }
        };
    })
    .AddOpenIdConnect();

// The handler's settings from the sample's own options (bound and validated above).
builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
    .Configure<IOptions<SampleRpOptions>, IWebHostEnvironment>((o, sample, environment) =>
    {
        var settings = sample.Value;
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        // The handler's default, said out loud: the code comes back as a form the provider's page posts here. After a
        // card login the browser is still in the login form's submission, and Ers's pages allow forms only to Ers
        // (CSP form-action 'self'), which a browser applies to a redirect to this site too (response_mode=query).
        o.ResponseMode = OpenIdConnectResponseMode.FormPost;
        o.UsePkce = true;
        o.Scope.Clear();
        foreach (var scope in new[] { "openid", "profile", "selectedrole", "nationalrbacaccess" })
        {
            o.Scope.Add(scope);
        }

        // The claims as the provider names them (sub, name, selected_role ...), from the id token.
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.TokenValidationParameters.NameClaimType = "name";
        // Told that its session ended, the page says so rather than sending the browser straight back to the provider.
        o.Events.OnRedirectToIdentityProvider = context =>
        {
            if (context.HttpContext.Items.ContainsKey(EndedSessions.EndedItem))
            {
                context.Response.Redirect("/signed-out?ended=true");
                context.HandleResponse();
            }

            return Task.CompletedTask;
        };
        if (!string.IsNullOrEmpty(settings.ProviderCaFile))
        {
            o.BackchannelHttpHandler = ProviderTrust.Handler(Path.Combine(environment.ContentRootPath, settings.ProviderCaFile));
        }
    });
builder.Services.AddAuthorization();
builder.Services.AddSingleton<EndedSessions>();
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", (HttpContext context) => Results.Content(Pages.Home(SignedInUser.From(context.User)), "text/html; charset=utf-8"))
    .RequireAuthorization();
app.MapPost("/signout", async (HttpContext context) =>
{
    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    return Results.Redirect("/signed-out");
});
app.MapGet("/signed-out", (bool? ended) => Results.Content(Pages.SignedOut(ended == true), "text/html; charset=utf-8"));
app.MapPost(BackChannelLogout.Path, BackChannelLogout.ReceiveAsync);

app.Run();
