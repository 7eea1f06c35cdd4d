using Ers.Oidc.Store;
using Ers.Web.Oidc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

// In the namespace Program.cs already imports, so wiring the provider in costs Program.cs one line each.
namespace Ers.Web.Extensions;

/// <summary>
/// Ers as an OpenID Connect provider (<c>Ers:Oidc</c>, off unless enabled): OpenIddict's server on the EF Core store
/// (PostgreSQL or SQLite), the authorization code flow with PKCE required, keys from PEM files.
/// </summary>
public static class OidcProviderExtensions
{
    public static WebApplicationBuilder AddErsOidcProvider(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidation>();
        services.AddOptions<OidcOptions>()
            .Bind(builder.Configuration.GetSection(OidcOptions.Section))
            .PostConfigure(o => o.ConnectionString ??= builder.Configuration.GetConnectionString(OidcOptions.ConnectionStringName))
            .ValidateOnStart();
        if (!builder.Configuration.GetValue<bool>(OidcOptions.Section + ":Enabled"))
        {
            return builder;
        }

        services.AddDbContext<OidcDbContext>((sp, db) =>
        {
            var oidc = sp.GetRequiredService<IOptions<OidcOptions>>().Value;
            OidcStore.Use(db, oidc.Store, oidc.Store == OidcStoreKind.Postgres ? oidc.ConnectionString! : oidc.SqlitePath!);
        });
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<OidcDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris(OidcRoutes.Authorize[1..])
                    .SetTokenEndpointUris(OidcRoutes.Token[1..])
                    .SetJsonWebKeySetEndpointUris(OidcRoutes.Jwks[1..]);
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                o.RequireProofKeyForCodeExchange();
                o.RegisterScopes([Scopes.OpenId, .. OidcScopes.All]);
                o.RegisterClaims(
                    Claims.Subject, Claims.Name, OidcClaims.SelectedRoleId, OidcClaims.SelectedRole, OidcClaims.NationalRbacRoles,
                    Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference, Claims.AuthenticationTime, "sid");
                o.AddEventHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>(h => h
                    .UseInlineHandler(c => OidcRefusalAudit.OnResponseAsync(c.Transaction, c.Request?.ClientId, c.Response))
                    .SetOrder(int.MinValue + 100_000));
                o.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(h => h
                    .UseInlineHandler(c => OidcRefusalAudit.OnResponseAsync(c.Transaction, c.Request?.ClientId, c.Response))
                    .SetOrder(int.MinValue + 100_000));
                // Back-Channel Logout 1.0: the silo posts a logout token naming iss and sid to every application the
                // session signed into (src/Ers.Grains/SingleSignOn/BackChannelLogoutGrain.cs).
                o.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(h => h.UseInlineHandler(c =>
                {
                    c.Metadata["backchannel_logout_supported"] = true;
                    c.Metadata["backchannel_logout_session_supported"] = true;
                    return default;
                }));
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough();
            });
        // Keys and lifetimes from Ers:Oidc, read when the server's options are first built (the files were checked at start).
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<OidcOptions>>((server, settings) =>
        {
            var oidc = settings.Value;
            foreach (var key in OidcKeys.Load(oidc.SigningKeyFiles))
            {
                server.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }

            foreach (var key in OidcKeys.Load(oidc.EncryptionKeyFiles))
            {
                server.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            }

            // S256 only: "plain" proves nothing that the code itself does not.
            server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
            server.AccessTokenLifetime = oidc.AccessTokenLifetime;
            server.IdentityTokenLifetime = oidc.IdentityTokenLifetime;
            server.AuthorizationCodeLifetime = oidc.AuthorizationCodeLifetime;
            server.RefreshTokenLifetime = oidc.RefreshTokenLifetime;
            if (oidc.Issuer is { Length: > 0 } issuer)
            {
                server.Issuer = new Uri(issuer);
            }
        });
        services.AddSingleton<OidcReturn>();
        services.AddSingleton<OidcRefusalAudit>();
        services.AddHostedService<OidcStoreInitializer>();
        return builder;
    }

    public static WebApplication MapErsOidcProvider(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<OidcOptions>>().Value.Enabled)
        {
            app.MapOidcEndpoints();
        }

        return app;
    }
}
