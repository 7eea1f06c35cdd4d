using Ers.Grains.RegistrationAuthority;
using Ers.RegistrationAuthority;

namespace Ers.Web.Tests.Ra;

/// <summary><see cref="RaRules.AuditScope"/> and the search record's reason, as plain rules.</summary>
public sealed class RaAuditScopeRulesTests
{
    private static RaContext Ra(params RaPermission[] permissions) =>
        new("555294209112", "Helen Brooks", "555021935120", "RYY", "Kent Community Health NHS Foundation Trust", permissions, ["RYY"]);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("RYY")]
    [InlineData(" RYY ")]
    public void An_RA_searches_its_own_organisation_when_it_names_none_or_its_own(string? named)
    {
        var scope = RaRules.AuditScope(Ra(RaPermission.View), named);

        Assert.True(scope.IsSuccess);
        Assert.Equal("RYY", scope.Value);
    }

    [Theory]
    [InlineData("E82665")]
    [InlineData("ryy")]
    public void Naming_another_organisation_is_out_of_scope(string named)
    {
        Assert.Equal(RefusalCodes.RaOutOfScope, RaRules.AuditScope(Ra(RaPermission.View, RaPermission.Revoke), named).Refusal?.Code);
    }

    [Fact]
    public void A_role_that_may_not_view_may_not_search()
    {
        Assert.Equal(RefusalCodes.RaNotPermitted, RaRules.AuditScope(Ra(RaPermission.Revoke), null).Refusal?.Code);
    }

    [Fact]
    public void The_search_record_names_the_action_the_organisation_and_the_filters_given()
    {
        var from = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal("ra.audit-search ods RYY user 555294209107 from 2026-12-02T09:00:00.0000000+00:00",
            RaRules.AuditSearchReason(new RaAuditFilter(UserId: "555294209107", CardId: " ", From: from), "RYY"));
        Assert.Equal("ra.audit-export ods RYY card card-1", RaRules.AuditSearchReason(new RaAuditFilter(CardId: "card-1", Export: true), "RYY"));
    }
}
