namespace Ers.Web.Apis;

/// <summary>Configuration section <c>Ers:AgentApi</c>.</summary>
public sealed class AgentApiOptions
{
    public const string Section = "Ers:AgentApi";

    /// <summary>Request bodies larger than this are refused with 413 <c>request.too-large</c>.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The browsers' base URL for the one-time login link (e.g. <c>http://127.0.0.1:5080</c>). Empty: the agent
    /// request's own scheme and host.
    /// </summary>
    public string? BrowserBaseUrl { get; set; }
}
