namespace Ers.Oidc.Store;

/// <summary>One application that may sign its users in with Ers (an entry of <c>Ers:Oidc:Clients</c>, or <c>ers oidc add</c>).</summary>
public sealed class OidcClientOptions
{
    public string ClientId { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary>
    /// Empty: a public client (a browser or native application), which proves itself with PKCE alone. Otherwise a
    /// confidential client authenticating at the token endpoint too (bind it from a Secret, never from a file in the repo).
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>Exactly where codes may be sent (compared as whole strings).</summary>
    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>Where Ers posts a logout token (OpenID Connect Back-Channel Logout 1.0) when the card session ends.</summary>
    public string? BackChannelLogoutUri { get; set; }

    /// <summary>Scopes beyond <c>openid</c> the application may ask for (<see cref="OidcScopes.All"/>).</summary>
    public List<string> Scopes { get; set; } = [OidcScopes.Profile];

    /// <summary>May the application hold refresh tokens (scope <c>offline_access</c>)?</summary>
    public bool AllowRefreshTokens { get; set; } = true;

    public IEnumerable<string> Validate(string prefix)
    {
        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Any(char.IsControl) || ClientId.Length > 100)
        {
            yield return $"{prefix}:ClientId must be 1 to 100 printable characters.";
        }

        if (RedirectUris.Count == 0)
        {
            yield return $"{prefix}:RedirectUris must name at least one address.";
        }

        foreach (var uri in RedirectUris.Concat(PostLogoutRedirectUris).Concat(BackChannelLogoutUri is { Length: > 0 } b ? [b] : []))
        {
            if (!IsAllowedAddress(uri))
            {
                yield return $"{prefix}: '{uri}' must be an absolute https address (http only on the loopback), without a fragment.";
            }
        }

        foreach (var scope in Scopes.Where(s => !OidcScopes.All.Contains(s)))
        {
            yield return $"{prefix}:Scopes names '{scope}', which is not one of {string.Join(", ", OidcScopes.All)}.";
        }
    }

    /// <summary>Https anywhere, plain http only on the loopback (a developer's machine); never a fragment.</summary>
    public static bool IsAllowedAddress(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var address) && string.IsNullOrEmpty(address.Fragment) &&
        (address.Scheme == Uri.UriSchemeHttps || (address.Scheme == Uri.UriSchemeHttp && address.IsLoopback));
}
