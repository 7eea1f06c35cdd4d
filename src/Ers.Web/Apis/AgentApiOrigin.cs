using System.Net;
using Ers.Api;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ers.Web.Apis;

/// <summary>
/// The origin of the agents' API that every login statement this node checks must name (<see cref="LoginStatement"/>).
/// It comes from configuration, never from the request (its <c>Host</c> header is the caller's to choose): a
/// statement a card signed for another system does not verify here. In order: <c>Ers:AgentApi:PublicOrigin</c>;
/// else the agents' own listener, <c>Ers:AgentApi:HttpsUrl</c> (with port 0, the port it was bound to); else,
/// behind an ingress that serves the agents and the browsers on one host, the origin of <c>BrowserBaseUrl</c>.
/// </summary>
public sealed class AgentApiOrigin
{
    private readonly string? _fixed;
    private readonly string? _listenerHost;
    private ListenOptions? _listener;

    private AgentApiOrigin(string? fixedOrigin, string? listenerHost)
    {
        _fixed = fixedOrigin;
        _listenerHost = listenerHost;
    }

    /// <summary>The normalised origin (<see cref="LoginStatement.Origin"/>).</summary>
    public string Value => _fixed ?? FromListener();

    /// <summary>Reads the origin from <paramref name="options"/>; every reason it cannot is added to <paramref name="problems"/>.</summary>
    public static AgentApiOrigin From(AgentApiOptions options, List<string> problems)
    {
        if (options.PublicOrigin is { Length: > 0 } configured)
        {
            return Parse(configured, $"{AgentApiOptions.Section}:PublicOrigin", problems, pathAllowed: false);
        }

        if (options.HttpsUrl is { Length: > 0 } listen)
        {
            if (!Uri.TryCreate(listen, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{AgentApiOptions.Section}:HttpsUrl '{listen}' is not an https address.");
                return new AgentApiOrigin(null, null);
            }

            if (listen.Contains("://+", StringComparison.Ordinal) || listen.Contains("://*", StringComparison.Ordinal) ||
                (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))))
            {
                problems.Add($"{AgentApiOptions.Section}:PublicOrigin is required: HttpsUrl '{listen}' listens on every address, so it names no origin " +
                    "for the login statements (set the https://host[:port] the agents use).");
                return new AgentApiOrigin(null, null);
            }

            return url.Port == 0 ? new AgentApiOrigin(null, url.Host) : new AgentApiOrigin(LoginStatement.Origin(url), null);
        }

        if (options.BrowserBaseUrl is { Length: > 0 } browsers)
        {
            return Parse(browsers, $"{AgentApiOptions.Section}:BrowserBaseUrl", problems, pathAllowed: true);
        }

        problems.Add($"{AgentApiOptions.Section}:PublicOrigin is required: with no HttpsUrl and no BrowserBaseUrl nothing names the origin " +
            "the agents reach this API at (https://host[:port]), which every login statement must name.");
        return new AgentApiOrigin(null, null);
    }

    /// <summary>Called by the agents' listener with its options, read for the bound port when it listens on port 0.</summary>
    internal void Listening(ListenOptions listener) => _listener = listener;

    private string FromListener()
    {
        var port = _listener?.IPEndPoint?.Port ?? 0;
        if (_listenerHost is null || port == 0)
        {
            throw new InvalidOperationException("The agents' listener is not bound yet, so its origin is not known.");
        }

        return LoginStatement.Origin(new UriBuilder(Uri.UriSchemeHttps, _listenerHost, port).Uri);
    }

    private static AgentApiOrigin Parse(string value, string setting, List<string> problems, bool pathAllowed)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0 &&
            uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0 && (pathAllowed || uri.AbsolutePath == "/"))
        {
            return new AgentApiOrigin(LoginStatement.Origin(uri), null);
        }

        problems.Add($"{setting} '{value}' is not an https origin (https://host[:port]).");
        return new AgentApiOrigin(null, null);
    }
}
