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
    public async Task Any_other_failure_is_not_disguised_as_an_outage()
    {
        var context = Context();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StoreOutagePages.InvokeAsync(context, _ => throw new InvalidOperationException("a bug")));
    }
}
