using System.Net;
using Ers.Web.Security;

namespace Ers.Web.Tests.Security;

public sealed class TrustedProxiesTests
{
    [Fact]
    public void Addresses_and_cidr_ranges_are_trusted_and_nothing_else()
    {
        var proxies = new TrustedProxies([IPNetwork.Parse("10.42.0.0/16"), new IPNetwork(IPAddress.Parse("127.0.0.2"), 32)]);

        Assert.True(proxies.Contains(IPAddress.Parse("10.42.7.9")));
        Assert.True(proxies.Contains(IPAddress.Parse("127.0.0.2")));
        Assert.True(proxies.Contains(IPAddress.Parse("::ffff:10.42.0.1")));
        Assert.False(proxies.Contains(IPAddress.Parse("10.43.0.1")));
        Assert.False(proxies.Contains(IPAddress.Parse("127.0.0.1")));
        Assert.False(proxies.Contains(null));
    }
}
