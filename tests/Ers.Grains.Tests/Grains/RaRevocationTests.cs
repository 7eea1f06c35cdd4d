using Ers.Audit;
using Ers.Cards;
using Ers.RegistrationAuthority;
using Ers.Revocation;
using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// Issue 16, a card an RA revokes or orders unblocked: the records it wrote are found by the RA's own organisation-scoped
/// search; and for a revoke the certificates it logged in with go into the cluster's list of Ers revocations,
/// in the snapshot every web node polls, whether the card learnt its certificate before the revocation or after it.
/// Its own silo: the RA activities are deployment settings.
/// </summary>
public sealed class RaRevocationTests : IAsyncLifetime
{
    private const string Issuer = "5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E5A1E";

    private OwnSilo _silo = null!;

    private IClusterClient Client => _silo.Client;

    private IRevocationGrain Revocations => Client.GetGrain<IRevocationGrain>(0);

    public async Task InitializeAsync()
    {
        _silo = await OwnSilo.StartAsync(OwnSilo.NewDirectory("ra-revoke"), new Dictionary<string, string?>
        {
            ["Ers:RegistrationAuthority:Activities:B9201:0"] = "View",
            ["Ers:RegistrationAuthority:Activities:B9201:1"] = "Revoke",
            ["Ers:RegistrationAuthority:Activities:B9201:2"] = "Unlock",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task An_RA_revoke_puts_the_cards_certificate_in_the_snapshot_the_web_nodes_poll_with_who_when_and_why()
    {
        var (ra, raUser) = await RaAsync("RYY");
        var holder = await HolderAsync("RYY");
        await holder.LoginOkAsync();
        var serial = Ids.NewDigits(12);
        await BindAsync(holder.CardId, serial);
        var known = (await Revocations.GetIfNewerAsync(-1))!;
        Assert.DoesNotContain(known.RevokedByErs ?? [], r => r.SerialNumber == serial);

        var revoked = await ra.RevokeCardAsync(holder.CardId, "card reported stolen");

        Assert.True(revoked.IsSuccess, revoked.Refusal?.Code);
        Assert.Equal(CardState.Revoked, revoked.Value!.State);
        var snapshot = await Revocations.GetIfNewerAsync(known.Version);
        Assert.NotNull(snapshot); // a new version: every web node fetches it at its next poll
        var entry = Assert.Single(snapshot.RevokedByErs!, r => r.SerialNumber == serial);
        Assert.Equal((Issuer, holder.CardId, raUser.UserId, raUser.RoleProfiles[0].RoleProfileId, "RYY", "card reported stolen"),
            (entry.IssuerHash, entry.CardId, entry.RevokedBy, entry.RoleProfileId, entry.OdsCode, entry.Reason));

        // Published for the RA's own organisation; another's is refused, audited.
        var own = await ra.GetRevocationsAsync(null);
        Assert.Contains(own.Value!.Revocations, r => r.SerialNumber == serial);
        Assert.Equal(RefusalCodes.RaOutOfScope, (await ra.GetRevocationsAsync("E82665")).Refusal?.Code);
        var (other, _) = await RaAsync("E82665");
        Assert.DoesNotContain((await other.GetRevocationsAsync(null)).Value!.Revocations, r => r.SerialNumber == serial);

        // The RA's record names the RA's role and organisation and the card holder.
        var records = await _silo.Audit.QueryAsync(new AuditQuery(CardId: holder.CardId));
        var record = Assert.Single(records, r => r.Event == AuditEvent.CardRevokedByRa);
        Assert.Equal((raUser.UserId, raUser.RoleProfiles[0].RoleProfileId, "RYY", holder.User.UserId, "RYY"),
            (record.UserId, record.RoleProfileId, record.OdsCode, record.SubjectUserId, record.SubjectOdsCode));
        Assert.Contains(await _silo.Audit.QueryAsync(new AuditQuery(UserId: raUser.UserId)), r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaOutOfScope });

        // The RA's own search, scoped to its organisation, finds what the revoke wrote: its record, the card's, the session end.
        var found = (await ra.SearchAuditAsync(new RaAuditFilter(CardId: holder.CardId))).Value!.Records;
        Assert.Contains(found, r => r.Event == AuditEvent.CardRevokedByRa);
        Assert.Contains(found, r => r is { Event: AuditEvent.CardRevoked, SubjectUserId: not null, SubjectOdsCode: "RYY" });
    }

    [Fact]
    public async Task A_certificate_the_card_learns_after_an_RA_revoked_it_is_published_too()
    {
        var (ra, _) = await RaAsync("RYY");
        var holder = await HolderAsync("RYY");
        await holder.LoginOkAsync();
        Assert.True((await ra.RevokeCardAsync(holder.CardId, "card reported lost")).IsSuccess);
        var serial = Ids.NewDigits(12);

        // The login's one-way bind arrives after the revocation (the RA acted within moments of the login).
        await Client.GetGrain<ICertificateGrain>($"{Issuer}/{serial}").BindAsync(holder.CardId);

        await Ers.Testing.Eventually.TrueAsync(async () => (await Revocations.GetRevokedByErsAsync()).Any(r => r.SerialNumber == serial && r.CardId == holder.CardId),
            "the late certificate to be listed as revoked", TimeSpan.FromSeconds(10));
        var entry = (await Revocations.GetRevokedByErsAsync()).Single(r => r.SerialNumber == serial);
        Assert.Equal("card reported lost", entry.Reason);
        Assert.Equal(CardState.Revoked, (await holder.Card.GetAsync()).State);
    }

    [Fact]
    public async Task An_RA_unblock_order_is_recorded_naming_the_card_holder()
    {
        var (ra, raUser) = await RaAsync("RYY");
        var holder = await HolderAsync("RYY");
        await holder.LoginOkAsync();
        Assert.True((await holder.Card.BlockedAsync(holder.WorkstationId)).IsSuccess);

        var order = await ra.AuthorizeUnblockAsync(holder.CardId);

        Assert.True(order.IsSuccess, order.Refusal?.Code);
        var records = await _silo.Audit.QueryAsync(new AuditQuery(CardId: holder.CardId));
        var authorized = Assert.Single(records, r => r.Event == AuditEvent.CardUnblockAuthorized);
        var ordered = Assert.Single(records, r => r.Event == AuditEvent.CardUnblockOrderedByRa);
        Assert.Equal((raUser.UserId, holder.User.UserId), (authorized.UserId, authorized.SubjectUserId));
        Assert.Equal((raUser.UserId, "RYY", holder.User.UserId), (ordered.UserId, ordered.OdsCode, ordered.SubjectUserId));
        Assert.Equal(("RYY", "RYY"), (authorized.OdsCode, authorized.SubjectOdsCode));

        // The card, at the RA's workstation, is unblocked there; the RA's scoped search finds the order and the unblock.
        var raWorkstation = (await Client.GetGrain<ISessionGrain>(ra.GetPrimaryKeyString()).GetAsync())!.WorkstationId;
        Assert.True((await holder.Card.InsertedAsync(raWorkstation)).IsSuccess);
        Assert.True((await holder.Card.UnblockReportedAsync(raWorkstation, UnblockResult.Unblocked)).IsSuccess);
        var found = (await ra.SearchAuditAsync(new RaAuditFilter(CardId: holder.CardId))).Value!.Records;
        foreach (var kind in new[] { AuditEvent.CardUnblockOrderedByRa, AuditEvent.CardUnblockAuthorized, AuditEvent.CardUnblocked })
        {
            Assert.Contains(found, r => r.Event == kind);
        }

        Assert.Contains(found, r => r is { Event: AuditEvent.CardUnblocked, Outcome: AuditOutcome.Success, SubjectOdsCode: "RYY" });
    }

    /// <summary>The card learns its certificate as at a login: the certificate grain's bind, waited on until it landed.</summary>
    private async Task BindAsync(string cardId, string serial)
    {
        await Client.GetGrain<ICertificateGrain>($"{Issuer}/{serial}").BindAsync(cardId);
        await Ers.Testing.Eventually.TrueAsync(async () => (await Client.GetGrain<ICardGrain>(cardId).GetCertificatesAsync()).Any(c => c.SerialNumber == serial),
            "the card to know its certificate", TimeSpan.FromSeconds(10));
    }

    private async Task<Journey> HolderAsync(string ods)
    {
        var user = new StaffUser(Ids.NewDigits(12), "Sam Holder", [Ids.Profile(ods, "B1110")]);
        await Client.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        return new Journey(Client, user);
    }

    private async Task<(IRegistrationAuthorityGrain Ra, StaffUser User)> RaAsync(string ods)
    {
        var user = new StaffUser(Ids.NewDigits(12), "Helen Ra", [Ids.Profile(ods, "B9201")]);
        await Client.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        var journey = new Journey(Client, user);
        var sessionId = await journey.LoginOkAsync();
        var session = journey.Session(sessionId);
        if ((await session.GetAsync())!.Role is null)
        {
            Assert.True((await session.SelectRoleAsync(user.RoleProfiles[0].RoleProfileId)).IsSuccess);
        }

        Assert.Equal(SessionState.Active, (await session.GetAsync())!.State);
        return (Client.GetGrain<IRegistrationAuthorityGrain>(sessionId), user);
    }
}
