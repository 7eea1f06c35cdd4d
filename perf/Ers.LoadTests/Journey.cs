using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ers.Api;

namespace Ers.LoadTests;

/// <summary>
/// One workstation's full card journey against the agents' API: insert, challenge, signature, session, role, browser
/// ticket, business function, page views (Ers and the Redis baseline, alternating), heartbeats, removal.
/// </summary>
public sealed class Journey(RunMetrics metrics, JourneyOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Runs the journey. <paramref name="intendedStart"/> is when the open-loop schedule wanted it to start, so the
    /// login time includes any delay the generator itself added (no coordinated omission).
    /// </summary>
    public async Task<HeldSession?> RunAsync(SimulatedCard card, SimulatedWorkstation workstation, long intendedStart, CancellationToken cancellationToken)
    {
        metrics.LoginStarted();
        var inserted = false;
        try
        {
            var t = Stopwatch.GetTimestamp();
            var challenge = await PostAsync<CardInsertedResponse>(workstation.Client, AgentApiRoutes.CardInserted,
                new CardInsertedRequest(card.CardId, card.Certificate, LoginStatement.Protocol), Steps.Insert, cancellationToken);
            metrics.Record(Steps.Insert, t);
            inserted = true;

            t = Stopwatch.GetTimestamp();
            // The agent's work: the login statement from its own server origin, workstation and card, then the card.
            var signature = card.Sign(LoginStatement.Build(LoginStatement.Origin(workstation.Client.BaseAddress!), workstation.Id,
                card.CardId, challenge.ChallengeId, challenge.Nonce));
            metrics.Record(Steps.Sign, t);

            t = Stopwatch.GetTimestamp();
            var session = await PostAsync<SessionResponse>(workstation.Client, AgentApiRoutes.CardAuthenticate,
                new CardAuthenticateRequest(challenge.ChallengeToken, signature), Steps.Authenticate, cancellationToken);
            metrics.Record(Steps.Authenticate, t);

            if (session.State != "Active")
            {
                t = Stopwatch.GetTimestamp();
                session = await PostAsync<SessionResponse>(workstation.Client, AgentApiRoutes.SelectRole,
                    new SelectRoleRequest(session.SessionToken, session.RoleProfiles[0].RoleProfileId), Steps.Role, cancellationToken);
                metrics.Record(Steps.Role, t);
            }

            metrics.Record(Steps.Login, intendedStart);
            metrics.LoginCompleted();

            string? ersCookie = null;
            if (options.ErsPages is { } pages)
            {
                t = Stopwatch.GetTimestamp();
                var ticket = await PostAsync<BrowserTicketResponse>(workstation.Client, AgentApiRoutes.BrowserTicket,
                    new SessionRequest(session.SessionToken), Steps.Ticket, cancellationToken);
                metrics.Record(Steps.Ticket, t);

                t = Stopwatch.GetTimestamp();
                ersCookie = await BrowserLoginAsync(pages, ticket.LoginUrl, cancellationToken);
                metrics.Record(Steps.BrowserLogin, t);

                if (options.BusinessFunctionPath is { } functionPath)
                {
                    t = Stopwatch.GetTimestamp();
                    ersCookie = await BusinessFunctionFormAsync(pages, functionPath, ersCookie, cancellationToken);
                    metrics.Record(Steps.BusinessFunction, t);
                }
            }

            string? baselineCookie = null;
            if (options.Baseline is { } baseline)
            {
                t = Stopwatch.GetTimestamp();
                baselineCookie = await BaselineLoginAsync(baseline, card.UserId, session.Role?.RoleProfileId, cancellationToken);
                metrics.Record(Steps.BaselineLogin, t);
            }

            var heartbeatEvery = options.Heartbeats > 0 ? Math.Max(1, options.PageViews / options.Heartbeats) : int.MaxValue;
            var heartbeats = 0;
            for (var i = 0; i < options.PageViews; i++)
            {
                // Alternating, so both see the same moment of the machine's load.
                if (options.ErsPages is { } ers && ersCookie is not null)
                {
                    await PageViewAsync(ers, options.ErsPagePath, ersCookie, Steps.PageErs, cancellationToken);
                }

                if (options.Baseline is { } bl && baselineCookie is not null)
                {
                    await PageViewAsync(bl, "/page", baselineCookie, Steps.PageBaseline, cancellationToken);
                }

                if (heartbeats < options.Heartbeats && (i + 1) % heartbeatEvery == 0)
                {
                    await HeartbeatAsync(workstation, session.SessionToken, cancellationToken);
                    heartbeats++;
                }
            }

            while (heartbeats < options.Heartbeats)
            {
                await HeartbeatAsync(workstation, session.SessionToken, cancellationToken);
                heartbeats++;
            }

            if (!options.RemoveCard)
            {
                return new HeldSession(card, workstation, session.SessionToken, ersCookie, baselineCookie);
            }

            inserted = false;
            await RemoveAsync(card, workstation, cancellationToken);
            metrics.Record(Steps.Journey, intendedStart);
            metrics.JourneyCompleted();
            return null;
        }
        catch (StepFailedException e)
        {
            metrics.Error(e.Code);
            metrics.JourneyFailed();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            metrics.Error(e is TaskCanceledException && !cancellationToken.IsCancellationRequested ? "client.timeout" : $"client.{e.GetType().Name}");
            metrics.JourneyFailed();
        }

        if (inserted && !cancellationToken.IsCancellationRequested)
        {
            // Leave the card out of its reader so the next journey with it starts clean.
            try
            {
                await RemoveAsync(card, workstation, cancellationToken);
            }
            catch (Exception e) when (e is StepFailedException or HttpRequestException or TaskCanceledException or IOException)
            {
                metrics.Error("cleanup.removal-failed");
            }
        }

        return null;
    }

    public async Task RemoveAsync(SimulatedCard card, SimulatedWorkstation workstation, CancellationToken cancellationToken)
    {
        var t = Stopwatch.GetTimestamp();
        await PostNoContentAsync(workstation.Client, AgentApiRoutes.CardRemoved, new CardRemovedRequest(card.CardId), Steps.Removal, cancellationToken);
        metrics.Record(Steps.Removal, t);
    }

    public async Task PageViewAsync(HttpClient client, string path, string cookie, string step, CancellationToken cancellationToken)
    {
        var t = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther)
        {
            // A page that sends a live session on (Ers's /home to the homepage) passed the session check; one that
            // sends it to the insert-card page ("/") did not.
            if (response.Headers.Location is { OriginalString: var location } && (location == "/" || location.StartsWith("/?", StringComparison.Ordinal)))
            {
                throw new StepFailedException("page.session-refused", step);
            }
        }
        else if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new StepFailedException(await CodeOfAsync(response, step, cancellationToken), step);
        }

        metrics.Record(step, t);
    }

    private async Task HeartbeatAsync(SimulatedWorkstation workstation, string sessionToken, CancellationToken cancellationToken)
    {
        var t = Stopwatch.GetTimestamp();
        await PostNoContentAsync(workstation.Client, AgentApiRoutes.Heartbeat, new HeartbeatRequest([sessionToken]), Steps.Heartbeat, cancellationToken);
        metrics.Record(Steps.Heartbeat, t);
    }

    private static async Task<string> BrowserLoginAsync(HttpClient pages, Uri loginUrl, CancellationToken cancellationToken)
    {
        // The ticket URL carries the web's own base address; only its path and query go to the pooled client. As a
        // browser does: GET the page (its anti-forgery cookie and token), then POST its form, which redeems the ticket.
        using var page = await pages.GetAsync(loginUrl.PathAndQuery, cancellationToken);
        if ((int)page.StatusCode >= 400)
        {
            throw new StepFailedException(await CodeOfAsync(page, Steps.BrowserLogin, cancellationToken), Steps.BrowserLogin);
        }

        var cookie = CookiesOf(page, null);
        var fields = HtmlForm.Read(await page.Content.ReadAsStringAsync(cancellationToken));
        using var post = new HttpRequestMessage(HttpMethod.Post, loginUrl.PathAndQuery) { Content = new FormUrlEncodedContent(fields) };
        if (cookie is not null)
        {
            post.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        using var response = await pages.SendAsync(post, cancellationToken);
        if ((int)response.StatusCode >= 400)
        {
            throw new StepFailedException(await CodeOfAsync(response, Steps.BrowserLogin, cancellationToken), Steps.BrowserLogin);
        }

        return CookiesOf(response, cookie) is { } cookies && cookies.Contains("__Host-ers-session=", StringComparison.Ordinal)
            ? cookies
            : throw new StepFailedException("browser-login.no-cookie", Steps.BrowserLogin);
    }

    /// <summary>
    /// Chooses the first business function offered, as a browser does: GET the form (with its antiforgery token),
    /// POST the first choice back.
    /// </summary>
    private static async Task<string> BusinessFunctionFormAsync(HttpClient pages, string path, string cookie, CancellationToken cancellationToken)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, path);
        get.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var form = await pages.SendAsync(get, cancellationToken);
        if (form.StatusCode is HttpStatusCode.Found or HttpStatusCode.Redirect or HttpStatusCode.SeeOther)
        {
            // Only one business function is granted: the page chose it and sent the browser on.
            return CookiesOf(form, cookie) ?? cookie;
        }

        if (form.StatusCode != HttpStatusCode.OK)
        {
            throw new StepFailedException(await CodeOfAsync(form, Steps.BusinessFunction, cancellationToken), Steps.BusinessFunction);
        }

        cookie = CookiesOf(form, cookie) ?? cookie;
        var html = await form.Content.ReadAsStringAsync(cancellationToken);
        var fields = HtmlForm.Read(html);
        using var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        post.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var chosen = await pages.SendAsync(post, cancellationToken);
        if ((int)chosen.StatusCode >= 400)
        {
            throw new StepFailedException(await CodeOfAsync(chosen, Steps.BusinessFunction, cancellationToken), Steps.BusinessFunction);
        }

        return CookiesOf(chosen, cookie) ?? cookie;
    }

    private static async Task<string> BaselineLoginAsync(HttpClient baseline, string userId, string? role, CancellationToken cancellationToken)
    {
        using var response = await baseline.PostAsync($"/login?user={userId}&role={role}", null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new StepFailedException(await CodeOfAsync(response, Steps.BaselineLogin, cancellationToken), Steps.BaselineLogin);
        }

        return CookiesOf(response, null) ?? throw new StepFailedException("baseline.no-cookie", Steps.BaselineLogin);
    }

    private static async Task<T> PostAsync<T>(HttpClient client, string route, object body, string step, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(route, body, Json, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StepFailedException(await CodeOfAsync(response, step, cancellationToken), step);
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new StepFailedException("response.empty", step);
    }

    private static async Task PostNoContentAsync(HttpClient client, string route, object body, string step, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(route, body, Json, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StepFailedException(await CodeOfAsync(response, step, cancellationToken), step);
        }
    }

    /// <summary>The problem details <c>code</c> of a refusal, or <c>http.STATUS</c> when the body has none.</summary>
    internal static async Task<string> CodeOfAsync(HttpResponseMessage response, string step, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length > 0 && text[0] == '{')
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                {
                    return code.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
        }

        return $"http.{status} ({step})";
    }

    /// <summary>The request Cookie header after applying the response's Set-Cookie headers to <paramref name="current"/>.</summary>
    internal static string? CookiesOf(HttpResponseMessage response, string? current)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            return current;
        }

        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (current ?? "").Split("; ", StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0)
            {
                jar[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        foreach (var header in setCookies)
        {
            var nameValue = header.Split(';', 2)[0];
            var eq = nameValue.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var value = nameValue[(eq + 1)..];
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                jar.Remove(nameValue[..eq]);
            }
            else
            {
                jar[nameValue[..eq]] = value;
            }
        }

        return jar.Count == 0 ? null : string.Join("; ", jar.Select(kv => kv.Key + "=" + kv.Value));
    }
}
