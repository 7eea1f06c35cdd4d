namespace Ers.LoadTests;

/// <summary>The step names a journey records, in journey order (the report keeps this order).</summary>
public static class Steps
{
    public const string Insert = "insert";
    public const string Sign = "sign (client)";
    public const string Authenticate = "authenticate";
    public const string Role = "role";
    public const string Ticket = "browser-ticket";
    public const string BrowserLogin = "browser-login";
    public const string BusinessFunction = "business-function";
    public const string BaselineLogin = "baseline-login";
    public const string PageErs = "page-view ers";
    public const string PageBaseline = "page-view baseline";
    public const string Heartbeat = "heartbeat";
    public const string Removal = "removal";
    public const string Login = "login (insert..role)";
    public const string Journey = "journey";

    public static IReadOnlyList<string> Ordered { get; } =
        [Login, Insert, Sign, Authenticate, Role, Ticket, BrowserLogin, BusinessFunction, BaselineLogin, PageErs, PageBaseline, Heartbeat, Removal, Journey];
}
