namespace Ers.Web.Oidc;

/// <summary>
/// Whether an authorization request may be answered with the browser's card session, or needs a fresh card login
/// (<c>prompt=login</c>, <c>max_age</c>). A fresh login is asked for once: the request that resumes after it carries
/// the moment it was asked (a marker protected by the server), and any session that started
/// after that moment satisfies it.
/// </summary>
public static class OidcLoginRules
{
    /// <param name="authenticatedAt">When the browser's live session's card proved itself; null: no live session.</param>
    /// <param name="promptLogin">The request says <c>prompt=login</c>.</param>
    /// <param name="maxAge">The request's <c>max_age</c> in seconds, if any.</param>
    /// <param name="freshSince">When this request was sent for a fresh login, from its protected marker; null: never.</param>
    /// <param name="now">Now.</param>
    public static OidcLoginNeed Decide(DateTimeOffset? authenticatedAt, bool promptLogin, long? maxAge, DateTimeOffset? freshSince, DateTimeOffset now)
    {
        if (authenticatedAt is not { } at)
        {
            return OidcLoginNeed.Login;
        }

        if (freshSince is { } since)
        {
            // Second resolution, as auth_time is: a session that began in the same second as the request counts.
            return at.ToUnixTimeSeconds() >= since.ToUnixTimeSeconds() ? OidcLoginNeed.None : OidcLoginNeed.FreshLogin;
        }

        if (promptLogin)
        {
            return OidcLoginNeed.FreshLogin;
        }

        return maxAge is { } seconds && now - at > TimeSpan.FromSeconds(Math.Max(0, seconds)) ? OidcLoginNeed.FreshLogin : OidcLoginNeed.None;
    }
}
