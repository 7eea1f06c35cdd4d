namespace Ers.Web.Oidc;

/// <summary>What an authorization request needs before a code is issued.</summary>
public enum OidcLoginNeed
{
    /// <summary>The browser's live card session answers it now.</summary>
    None,

    /// <summary>No live session in this browser: the "insert your smartcard" page.</summary>
    Login,

    /// <summary>A live session, but the application asked for a card login after this request (<c>prompt=login</c>, <c>max_age</c>).</summary>
    FreshLogin,
}
