namespace Ers.Web.Browser;

/// <summary>What the login page shows for a login link.</summary>
public enum LoginStep
{
    /// <summary>The link cannot be used: a stable code and what to do.</summary>
    Refused,

    /// <summary>The link is good and this browser holds no other live session: a form that posts itself.</summary>
    Continue,

    /// <summary>This browser holds another live session: ask before replacing it (never silently).</summary>
    Confirm,
}
