using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Ers.Oidc.Store;

/// <summary>How a registered application becomes an OpenIddict application: what it may do, and that PKCE is required.</summary>
public static class OidcClientRegistration
{
    /// <summary>The application property holding its back-channel logout URI.</summary>
    public const string BackChannelLogoutProperty = "ers_backchannel_logout_uri";

    public static OpenIddictApplicationDescriptor Describe(OidcClientOptions client)
    {
        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName ?? client.ClientId,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ClientSecret = confidential ? client.ClientSecret : null,
            // Ers asks no consent: the organisation registered the application, and the card login is the user's act.
            ConsentType = ConsentTypes.Implicit,
        };
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code,
        ]);
        if (client.AllowRefreshTokens)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        }

        // openid and offline_access are not permission-checked by OpenIddict: offline_access follows the refresh grant.
        descriptor.Permissions.UnionWith(client.Scopes.Where(s => s != OidcScopes.OfflineAccess).Select(s => Permissions.Prefixes.Scope + s));
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        if (client.BackChannelLogoutUri is { Length: > 0 } logout)
        {
            descriptor.Properties[BackChannelLogoutProperty] = JsonSerializer.SerializeToElement(logout);
        }

        return descriptor;
    }

    /// <summary>Creates the application, or brings the stored one up to date with <paramref name="client"/>.</summary>
    public static async Task UpsertAsync(IOpenIddictApplicationManager applications, OidcClientOptions client, CancellationToken cancellationToken)
    {
        var descriptor = Describe(client);
        if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }
}
