using Microsoft.Extensions.Options;

namespace Ers.Web.Tests;

public sealed class RequestBudgetSettingsTests
{
    [Fact]
    public async Task A_request_budget_that_breaks_the_answer_promise_stops_the_start_naming_its_setting()
    {
        var host = new InvalidRequestBudgetHost();
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);

            var validation = Assert.IsType<OptionsValidationException>(failure is OptionsValidationException ? failure : failure.InnerException ?? failure);
            Assert.Contains("Ers:Web:RequestBudget:GrainCalls", validation.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
