namespace Ers.Web.Oidc;

/// <summary>The provider's endpoints (discovery at <c>/.well-known/openid-configuration</c>, JWKS at <see cref="Jwks"/>).</summary>
public static class OidcRoutes
{
    public const string Prefix = "/connect";
    public const string Authorize = "/connect/authorize";
    public const string Token = "/connect/token";
    public const string Jwks = "/.well-known/jwks";
}
