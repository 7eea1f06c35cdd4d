using Ers.Sessions;
using Ers.Web.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SessionPushTests(ErsWebHost host)
{
    [Fact]
    public async Task A_session_end_reaches_the_node_local_view_by_push_without_anyone_asking_the_grain()
    {
        var view = host.Services.GetRequiredService<SessionView>();
        var card = await host.StartSessionAsync("555294209105");
        Assert.True((await view.GetAsync(card.SessionId))!.IsLive);
        var ended = view.EndedToken(card.SessionId);

        await card.RemoveAsync();

        // Woken by the hub's push: nothing here reads the view or calls the grain while waiting.
        await Task.Delay(Timeout.Infinite, ended).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(2));
        var status = await view.GetAsync(card.SessionId);
        Assert.False(status!.IsLive);
        Assert.Equal(SessionEndReason.CardRemoved, status.EndReason);
    }

    [Fact]
    public async Task The_node_is_ready_once_it_hears_session_ends()
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = host.BaseAddress };

        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.True(host.Services.GetRequiredService<SessionEndSubscription>().Subscribed.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_ended_entry_is_final_even_when_a_late_answer_says_live()
    {
        var view = host.Services.GetRequiredService<SessionView>();
        var card = await host.StartSessionAsync("555294209105");
        var live = (await card.Session.GetAsync())!;
        view.Apply(live);

        view.MarkEnded(new SessionEnded(card.SessionId, SessionEndReason.Revoked, DateTimeOffset.UtcNow));
        var afterLateAnswer = view.Apply(live);

        Assert.False(afterLateAnswer.IsLive);
        Assert.Equal(SessionEndReason.Revoked, afterLateAnswer.EndReason);
        Assert.True(view.EndedToken(card.SessionId).IsCancellationRequested);
    }
}
