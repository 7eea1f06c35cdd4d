using System.Collections.Immutable;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ers.Oidc.Store;
using Ers.Sessions;
using Ers.Staff;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Ers.Web.Oidc;

/// <summary>
/// The claims an application receives for a card session, in the shape CIS2 Authentication gives NHS applications:
/// <c>sub</c> the user's UUID, <c>name</c>, <c>selected_roleid</c>, <c>nhsid_nrbac_roles</c> (scope
/// <c>nationalrbacaccess</c>), the session role's details (scope <c>selectedrole</c>), <c>acr</c>, <c>amr</c>,
/// <c>auth_time</c> (when the card proved itself) and <c>sid</c> (names the session without revealing its id).
/// </summary>
public static class OidcClaims
{
    /// <summary>Card + passcode + the card's signature of a fresh challenge: CIS2's highest level.</summary>
    public const string CardAssurance = "AAL3_ANY";

    public const string SelectedRoleId = "selected_roleid";
    public const string SelectedRole = "selected_role";
    public const string NationalRbacRoles = "nhsid_nrbac_roles";

    /// <summary>
    /// The session id itself: kept only in the server's own (encrypted) codes and refresh tokens, never given to an
    /// application, so the token endpoint can ask the session whether it still lives.
    /// </summary>
    public const string SessionIdClaim = "ers_session";

    /// <summary>RFC 8176: smart card, PIN, multiple factors.</summary>
    public static readonly ImmutableArray<string> CardMethods = ["sc", "pin", "mfa"];

    /// <summary>The identity for a live session with its role chosen; <paramref name="user"/> gives the role profiles.</summary>
    /// <param name="session">The live session.</param>
    /// <param name="user">The user's directory entry, for <c>nhsid_nrbac_roles</c>; null gives the session role alone.</param>
    /// <param name="scopes">The scopes granted.</param>
    public static ClaimsIdentity Build(SessionSnapshot session, StaffUser? user, ImmutableArray<string> scopes)
    {
        var role = session.Role ?? throw new ArgumentException("The session has no role yet.", nameof(session));
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, session.UserId)
            .SetClaim(SelectedRoleId, role.RoleProfileId)
            .SetClaim(Claims.AuthenticationContextReference, CardAssurance)
            .SetClaims(Claims.AuthenticationMethodReference, CardMethods)
            .SetClaim(Claims.AuthenticationTime, session.CreatedAt.ToUnixTimeSeconds())
            .SetClaim("sid", PublicSessionId(session.SessionId))
            .SetClaim(SessionIdClaim, session.SessionId);
        if (scopes.Contains(OidcScopes.Profile))
        {
            identity.SetClaim(Claims.Name, session.UserName);
        }

        if (scopes.Contains(OidcScopes.SelectedRole))
        {
            identity.SetClaim(SelectedRole, JsonSerializer.SerializeToElement(Describe(role)));
        }

        if (scopes.Contains(OidcScopes.NationalRbacAccess))
        {
            var roles = user?.RoleProfiles is { Count: > 0 } profiles ? profiles : [role];
            // Always an array, even of one (OpenIddict's JsonElement claims take objects, not arrays).
            identity.AddClaim(new Claim(NationalRbacRoles, JsonSerializer.Serialize(roles.Select(Describe).ToArray()), JsonClaimValueTypes.JsonArray));
        }

        identity.SetScopes(scopes);
        identity.SetDestinations(DestinationsOf);
        return identity;
    }

    /// <summary>The <c>sid</c> applications see: a one-way function of the session id (it must not be usable as the id).</summary>
    public static string PublicSessionId(string sessionId) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes("ers-oidc-sid:" + sessionId)).AsSpan(0, 18).ToArray());

    private static Dictionary<string, object> Describe(RoleProfile role) => new(StringComparer.Ordinal)
    {
        ["person_roleid"] = role.RoleProfileId,
        ["org_code"] = role.OdsCode,
        ["org_name"] = role.OrganisationName,
        ["role_code"] = role.JobRoleCode,
        ["role_name"] = role.JobRoleName,
        ["activity_codes"] = role.Activities,
    };

    private static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        SessionIdClaim => [],
        _ => [Destinations.AccessToken, Destinations.IdentityToken],
    };
}
