using Ers.Web.Apis;
using Ers.Web.Oidc;

namespace Ers.Web.Browser;

/// <summary>
/// Which requests get a page for a bare error status (<c>/status/{code}</c>): what a browser navigates to. The
/// agents' API and the admin API answer problem details, the OpenID Connect server endpoints OAuth errors, so they
/// keep their own bodies; the authorization endpoint is a page a person's browser opens, so an outage there shows
/// the plain "service is busy" sentence and not an empty 503.
/// </summary>
public static class StatusPages
{
    public static bool AreShownFor(PathString path) =>
        path.StartsWithSegments(OidcRoutes.Authorize)
        || !(path.StartsWithSegments(Ers.Api.AgentApiRoutes.Prefix) || path.StartsWithSegments(OidcRoutes.Prefix)
             || path.StartsWithSegments(AdminApi.Prefix));
}
