using System.Security.Claims;
using Ers.Sessions;

namespace Ers.Web.Browser;

/// <summary>How a request carries its Ers session: a claim in the protected cookie, the status in the request's items.</summary>
public static class BrowserSession
{
    public const string Scheme = "ErsBrowser";
    public const string CookieName = "__Host-ers-session";
    public const string SessionIdClaim = "ers:sid";

    private const string StatusItem = "ers.session-status";
    private const string EndedItem = "ers.session-ended";

    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirst(SessionIdClaim)?.Value;

    /// <summary>The live session of this request (set when its cookie was validated), or null.</summary>
    public static SessionStatus? Session(this HttpContext context) => context.Items[StatusItem] as SessionStatus;

    internal static void SetSession(this HttpContext context, SessionStatus status) => context.Items[StatusItem] = status;

    /// <summary>Why the cookie's session is over, when this request brought the cookie of an ended session.</summary>
    public static SessionEndReason? EndedReason(this HttpContext context) => context.Items[EndedItem] as SessionEndReason?;

    internal static void SetEnded(this HttpContext context, SessionEndReason? reason)
    {
        if (reason is { } r)
        {
            context.Items[EndedItem] = r;
        }
    }

    /// <summary>The reason named by a stable code (<see cref="SessionEndReasons.Code"/>), or null.</summary>
    public static SessionEndReason? ReasonFromCode(string? code) =>
        Enum.GetValues<SessionEndReason>().Where(r => SessionEndReasons.Code(r) == code).Select(r => (SessionEndReason?)r).FirstOrDefault();
}
