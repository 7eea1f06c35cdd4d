using Ers.Web.Browser;
using Microsoft.AspNetCore.Http;

namespace Ers.Web.Tests.Browser;

/// <summary>
/// A bare error status becomes a page only where a browser navigates: an outage during the OpenID Connect
/// authorization request (seen as an empty 503 when sixteen applications signed in at once on a loaded machine)
/// shows the "service is busy" page; the APIs and the token endpoint keep their own answers.
/// </summary>
public sealed class StatusPagesTests
{
    [Theory]
    [InlineData("/connect/authorize", true)]
    [InlineData("/ra/audit", true)]
    [InlineData("/", true)]
    [InlineData("/connect/token", false)]
    [InlineData("/connect/logout", false)]
    [InlineData("/api/agent/v1/cards/inserted", false)]
    [InlineData("/api/admin/v1/audit", false)]
    [InlineData("/connect/authorizex", false)]
    public void Pages_are_shown_where_a_browser_navigates(string path, bool shown) =>
        Assert.Equal(shown, StatusPages.AreShownFor(new PathString(path)));
}
