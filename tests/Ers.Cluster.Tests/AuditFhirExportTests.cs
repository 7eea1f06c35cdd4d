using Ers.Audit;
using Ers.Audit.Fhir;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Hl7.Fhir.Validation;
using FhirAuditEvent = Hl7.Fhir.Model.AuditEvent;

namespace Ers.Cluster.Tests;

/// <summary>
/// The FHIR R4 export of audit records (issue 16, item 3): every kind of record becomes an <c>AuditEvent</c> that the
/// SDK's attribute validation accepts, that holds the R4 AuditEvent invariants checked here one by one, and that
/// Firely's validator accepts against the core AuditEvent profile (with the core terminology); NDJSON lines read back.
/// </summary>
public sealed class AuditFhirExportTests
{
    private const string AuditEventProfile = "http://hl7.org/fhir/StructureDefinition/AuditEvent";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    // Loading the R4 specification takes seconds: once for the class.
    private static readonly Lazy<Validator> ProfileValidator = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    });

    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string>();
        foreach (var kind in Enum.GetNames<Ers.Audit.AuditEvent>())
        {
            data.Add(kind + ":full");
            data.Add(kind + ":bare");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_of_record_exports_as_an_AuditEvent_valid_against_the_R4_profile(string example)
    {
        var record = Example(example);

        var resource = AuditEventMapping.ToFhir(record);

        // The SDK's own attribute and cardinality validation of the POCO, recursively.
        var attributeErrors = resource.Validate(Hl7.Fhir.Model.ModelInfo.ModelInspector, NarrativeValidationKind.FhirXhtml, validateRecursively: true);
        Assert.Empty(attributeErrors);
        AssertInvariants(resource);

        var outcome = ProfileValidator.Value.Validate(resource, AuditEventProfile);
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(i => $"{i.Severity} {i.Expression.FirstOrDefault()}: {i.Details?.Text}")));
    }

    [Fact]
    public void The_validators_used_here_do_refuse_an_AuditEvent_that_breaks_the_profile()
    {
        var broken = AuditEventMapping.ToFhir(Example("SessionCreated:full"));
        broken.Agent.Clear();                                                // agent 1..*
        broken.Entity[0].Name = "card";
        broken.Entity[0].Query = [1, 2, 3];                                 // sev-1
        broken.Source!.Observer = null!;                                    // source.observer 1..1

        var outcome = ProfileValidator.Value.Validate(broken, AuditEventProfile);
        var attributeErrors = broken.Validate(Hl7.Fhir.Model.ModelInfo.ModelInspector, NarrativeValidationKind.FhirXhtml, validateRecursively: true);

        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => i.Details?.Text ?? string.Empty).ToList();
        Assert.Contains(errors, t => t.Contains("sev-1", StringComparison.Ordinal));
        Assert.True(errors.Count >= 3, string.Join(Environment.NewLine, errors));
        Assert.NotEmpty(attributeErrors);
    }

    [Fact]
    public void A_full_record_keeps_every_field_in_the_place_FHIR_gives_it()
    {
        var record = Example("RoleChosen:full");

        var e = AuditEventMapping.ToFhir(record, site: "ers-prod");

        Assert.Equal(record.Id.ToString(), e.Id);
        Assert.Equal(("http://dicom.nema.org/resources/ontology/DCM", "110114"), (e.Type.System, e.Type.Code));
        Assert.Contains(e.Subtype, c => c.System == ErsFhirSystems.AuditEventName && c.Code == "RoleChosen");
        Assert.Equal(FhirAuditEvent.AuditEventAction.E, e.Action);
        Assert.Equal(record.Time, e.Recorded);
        Assert.Equal(FhirAuditEvent.AuditEventOutcome.N0, e.Outcome);
        var user = Assert.Single(e.Agent, a => a.Requestor == true);
        Assert.Equal((ErsFhirSystems.SdsUserId, record.UserId), (user.Who!.Identifier!.System, user.Who.Identifier.Value));
        Assert.Equal((ErsFhirSystems.SdsRoleProfileId, record.RoleProfileId), (user.Role[0].Coding[0].System, user.Role[0].Coding[0].Code));
        Assert.Contains(e.Agent, a => a.Who?.Identifier?.System == ErsFhirSystems.OdsOrganisationCode && a.Who.Identifier.Value == record.OdsCode);
        var workstation = Assert.Single(e.Agent, a => a.Network is not null);
        Assert.Equal((record.WorkstationId, FhirAuditEvent.AuditEventAgentNetworkType.N1), (workstation.Network!.Address, workstation.Network.Type));
        Assert.Equal("ers-prod", e.Source!.Site);
        Assert.Contains(e.Entity, x => x.What?.Identifier?.System == ErsFhirSystems.CardId && x.What.Identifier.Value == record.CardId);
        var session = Assert.Single(e.Entity, x => x.What?.Identifier?.System == ErsFhirSystems.SessionId);
        Assert.Equal(record.SessionId, session.What!.Identifier!.Value);
        Assert.Equal(record.BusinessFunction, ((FhirString)session.Detail.Single(d => d.Type == "business-function").Value).Value);
    }

    [Fact]
    public void A_refusal_is_a_minor_failure_with_its_code_and_a_revocation_a_security_alert()
    {
        var refused = AuditEventMapping.ToFhir(Example("Refused:full"));
        var revoked = AuditEventMapping.ToFhir(Example("CardRevoked:bare"));

        Assert.Equal((FhirAuditEvent.AuditEventOutcome.N4, "card.revoked"), (refused.Outcome, refused.OutcomeDesc));
        Assert.Equal(("110113", FhirAuditEvent.AuditEventAction.U), (revoked.Type.Code, revoked.Action));
        Assert.Contains(revoked.Subtype, c => c.Code == "110137");
    }

    [Fact]
    public async System.Threading.Tasks.Task The_NDJSON_export_is_one_parseable_AuditEvent_per_line_in_the_records_order()
    {
        var records = Enum.GetNames<Ers.Audit.AuditEvent>().Select(k => Example(k + ":full")).ToList();
        var output = new StringWriter();

        var written = await FhirAuditExport.WriteNdjsonAsync(records, output);

        var text = output.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text[..^1].Split('\n');
        Assert.Equal((records.Count, records.Count), (written, lines.Length));
        var parser = new FhirJsonDeserializer();
        for (var i = 0; i < lines.Length; i++)
        {
            var parsed = parser.Deserialize<FhirAuditEvent>(lines[i]);
            Assert.Equal(records[i].Id.ToString(), parsed.Id);
            Assert.True(AuditEventMapping.ToFhir(records[i]).IsExactly(parsed), lines[i]);
        }
    }

    /// <summary>The R4 AuditEvent rules, spelt out: cardinalities of the required elements, the codes of the required bindings, sev-1.</summary>
    private static void AssertInvariants(FhirAuditEvent e)
    {
        Assert.NotNull(e.Type);                                   // type 1..1
        Assert.False(string.IsNullOrEmpty(e.Type.Code));
        Assert.NotNull(e.Recorded);                               // recorded 1..1
        Assert.NotEmpty(e.Agent);                                 // agent 1..*
        Assert.All(e.Agent, a => Assert.NotNull(a.Requestor));    // agent.requestor 1..1
        Assert.True(e.Agent.Count(a => a.Requestor == true) <= 1, "one agent asked");
        Assert.All(e.Agent, a => Assert.NotNull(a.Who));
        Assert.NotNull(e.Source);                                 // source 1..1
        Assert.NotNull(e.Source.Observer);                        // source.observer 1..1
        Assert.Contains(e.Action, new FhirAuditEvent.AuditEventAction?[] { FhirAuditEvent.AuditEventAction.C, FhirAuditEvent.AuditEventAction.R, FhirAuditEvent.AuditEventAction.U, FhirAuditEvent.AuditEventAction.D, FhirAuditEvent.AuditEventAction.E });
        Assert.Contains(e.Outcome, new FhirAuditEvent.AuditEventOutcome?[] { FhirAuditEvent.AuditEventOutcome.N0, FhirAuditEvent.AuditEventOutcome.N4, FhirAuditEvent.AuditEventOutcome.N8, FhirAuditEvent.AuditEventOutcome.N12 });
        // sev-1: an entity has a name or a query, not both.
        Assert.All(e.Entity, x => Assert.False(x.Name is not null && x.Query is not null, "sev-1"));
        Assert.All(e.Entity, x => Assert.All(x.Detail, d => Assert.True(d.Type is not null && d.Value is not null, "detail type and value 1..1")));
        Assert.All(e.Agent.Where(a => a.Network is not null), a => Assert.NotNull(a.Network!.Type));
        Assert.All(e.Subtype.Append(e.Type), c => Assert.True(c.System is not null && c.Code is not null, "coded"));
    }

    private static AuditRecord Example(string example)
    {
        var parts = example.Split(':');
        var kind = Enum.Parse<Ers.Audit.AuditEvent>(parts[0]);
        var id = new Guid($"3f2a1b0c-{(int)kind:D4}-4d5e-8f60-{(parts[1] == "full" ? 1 : 2):D12}");
        var outcome = kind == Ers.Audit.AuditEvent.Refused ? AuditOutcome.Failure : AuditOutcome.Success;
        var reason = kind switch
        {
            Ers.Audit.AuditEvent.Refused => "card.revoked",
            Ers.Audit.AuditEvent.SessionEnded => "logout",
            _ => null,
        };
        return parts[1] == "full"
            ? new AuditRecord(id, T0.AddTicks(1234560), kind, outcome, reason, "555294209105", "555021935107", "RYY", "Referring Clinician", "s-1", "WS-0042", "card-1")
            : new AuditRecord(id, T0, kind, outcome, reason);
    }
}
