using System.Text.RegularExpressions;
using Ers.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests;

/// <summary>
/// A smartcard login from the card to the homepage, through every real part: the virtual PIV card in vpcd, pcscd,
/// the agent's journey, the agents' API over mutual TLS, the grains, the login link and Chromium.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CardToHomepageTests(EndToEndFixture fixture)
{
    private const string AmeliaHart = "555294209105";   // one role profile: chosen automatically
    private const string RahulMehta = "555294209106";   // two role profiles: the agent asks

    private EndToEndStack Stack => fixture.Stack;

    [Fact]
    public async Task A_user_with_one_role_gets_from_card_and_passcode_to_the_referrer_homepage()
    {
        var page = await Stack.NewPageAsync();
        var login = await Stack.InsertAndLogInAsync(AmeliaHart, page, EndToEndStack.Pin);
        await using var _ = login;

        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart");
        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Clinical Practitioner Access Role");
        await Expect(page.GetByTestId("organisation")).ToContainTextAsync("Riverside Surgery");
        Assert.Contains("Active: Dr Amelia Hart - Clinical Practitioner Access Role - Riverside Surgery", Stack.AgentOutputText, StringComparison.Ordinal);
        Assert.DoesNotContain(EndToEndStack.Pin, Stack.AgentOutputText, StringComparison.Ordinal);
        // One role profile: no role call, the session is active straight after authentication.
        Assert.Equal(["authenticate", "inserted", "ticket"], login.Timing.ServerCallsByName.Keys.Order(StringComparer.Ordinal));
        await page.ScreenshotAsync(new() { Path = EndToEndStack.ScreenshotPath("referrer-home"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_user_with_two_roles_chooses_one_at_the_agent_and_gets_its_homepage()
    {
        var page = await Stack.NewPageAsync();
        // Role 2 of Dr Rahul Mehta: Kent Community Health NHS Foundation Trust, one provider business function.
        var login = await Stack.InsertAndLogInAsync(RahulMehta, page, EndToEndStack.Pin, "2");
        await using var _ = login;

        await Expect(page).ToHaveURLAsync(new Regex("/provider$"));
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Rahul Mehta");
        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Clinical Practitioner Access Role");
        await Expect(page.GetByTestId("organisation")).ToContainTextAsync("Kent Community Health NHS Foundation Trust (RYY)");
        Assert.Contains("role", login.Timing.ServerCallsByName.Keys);
        Assert.Contains("Active: Dr Rahul Mehta - Clinical Practitioner Access Role - Kent Community Health NHS Foundation Trust", Stack.AgentOutputText, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = EndToEndStack.ScreenshotPath("provider-home-role-chosen"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Pulling_the_card_ends_the_session_on_the_server_and_the_open_page_shows_it_live()
    {
        var page = await Stack.NewPageAsync();
        await using var login = await Stack.InsertAndLogInAsync(AmeliaHart, page, EndToEndStack.Pin);
        var session = Stack.Grains.GetGrain<ISessionGrain>(Stack.SessionIdOf(login.LoginUrl));
        Assert.Null((await session.GetAsync())!.EndReason);

        await login.RemoveAsync();

        // vpcd's poll (up to 400 ms), pcscd, the agent's cards/removed call, the grain, the push to the page.
        await Expect(page.GetByText("Your session has ended")).ToBeVisibleAsync(new() { Timeout = 5_000 });
        await Expect(page.GetByTestId("user-name")).ToHaveCountAsync(0);
        Assert.Equal(SessionEndReason.CardRemoved, (await session.GetAsync())!.EndReason);
        await page.ScreenshotAsync(new() { Path = EndToEndStack.ScreenshotPath("card-pulled-session-ended"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_login_url_used_a_second_time_is_refused()
    {
        var page = await Stack.NewPageAsync();
        var login = await Stack.InsertAndLogInAsync(AmeliaHart, page, EndToEndStack.Pin);
        await using var _ = login;

        var other = await Stack.NewPageAsync();
        var response = await other.GotoAsync(login.LoginUrl.ToString());

        Assert.Equal(410, response!.Status);
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "This login link can't be used" })).ToBeVisibleAsync();
        await Expect(other.GetByTestId("error-code")).ToHaveTextAsync("ticket.used");
        await Expect(other.GetByTestId("user-name")).ToHaveCountAsync(0);
        await other.ScreenshotAsync(new() { Path = EndToEndStack.ScreenshotPath("login-url-reused"), FullPage = true });
        // The first browser's session is untouched by the refused second use.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart");
        await other.Context.CloseAsync();
        await page.Context.CloseAsync();
    }
}
