using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Ers.Oidc.Store;

/// <summary>The scopes Ers answers, named as CIS2 Authentication names them.</summary>
public static class OidcScopes
{
    /// <summary><c>name</c>.</summary>
    public const string Profile = Scopes.Profile;

    /// <summary><c>nhsid_nrbac_roles</c>: every role profile the user holds.</summary>
    public const string NationalRbacAccess = "nationalrbacaccess";

    /// <summary><c>selected_role</c>: the session role's organisation, job role and activity codes.</summary>
    public const string SelectedRole = "selectedrole";

    /// <summary>Refresh tokens, valid while the card session lives.</summary>
    public const string OfflineAccess = Scopes.OfflineAccess;

    public static readonly IReadOnlyList<string> All = [Profile, NationalRbacAccess, SelectedRole, OfflineAccess];
}
