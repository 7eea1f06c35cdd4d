using Ers.Web.Browser;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ers.Web.Tests.Browser;

public sealed class StoreOutagePagesTests
{
    private static DefaultHttpContext Context() => new()
    {
        RequestServices = new ServiceCollection().AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance).BuildServiceProvider(),
    };

    [Fact]
    public async Task A_store_outage_during_a_page_is_a_503_for_the_status_page_not_a_500()
    {
        var context = Context();

        await StoreOutagePages.InvokeAsync(context, _ => throw new AuditUnavailableException());

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
    }

    [Fact]
    public async Task An_outage_during_a_token_request_is_an_OAuth_error_the_relying_party_can_read()
    {
        var context = Context();
        context.Request.Path = Ers.Web.Oidc.OidcRoutes.Token;
        var body = new MemoryStream();
        context.Response.Body = body;

        await StoreOutagePages.InvokeAsync(context, _ => throw new TimeoutException("the session grain did not answer"));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("no-store", context.Response.Headers.CacheControl);
        Assert.Equal("1", context.Response.Headers.RetryAfter);
        using var json = System.Text.Json.JsonDocument.Parse(body.ToArray());
        Assert.Equal("temporarily_unavailable", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Any_other_failure_is_not_disguised_as_an_outage()
    {
        var context = Context();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StoreOutagePages.InvokeAsync(context, _ => throw new InvalidOperationException("a bug")));
    }
}
