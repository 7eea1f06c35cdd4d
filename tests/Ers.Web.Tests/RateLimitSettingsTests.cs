using Microsoft.Extensions.Options;

namespace Ers.Web.Tests;

public sealed class RateLimitSettingsTests
{
    [Fact]
    public async Task A_rate_limit_that_makes_no_sense_stops_the_start_naming_its_section()
    {
        var host = new InvalidRateLimitHost();
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);

            var validation = Assert.IsType<OptionsValidationException>(failure is OptionsValidationException ? failure : failure.InnerException ?? failure);
            Assert.Contains("Ers:RateLimits", validation.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
