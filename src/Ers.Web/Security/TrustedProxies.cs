using System.Net;

namespace Ers.Web.Security;

/// <summary>The proxies (addresses or CIDR ranges: ingress pods change address) allowed to forward a client certificate.</summary>
public sealed record TrustedProxies(IReadOnlyList<IPNetwork> Networks)
{
    public bool Contains(IPAddress? address) =>
        address is not null && Networks.Any(n => n.Contains(CardAuthenticationServices.Normalise(address)));
}
