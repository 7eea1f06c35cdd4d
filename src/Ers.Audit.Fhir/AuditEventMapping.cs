using Hl7.Fhir.Model;
using FhirAuditEvent = Hl7.Fhir.Model.AuditEvent;

namespace Ers.Audit.Fhir;

/// <summary>
/// An Ers audit record as a FHIR R4 <c>AuditEvent</c>, after the DICOM audit vocabulary FHIR uses (and IHE BALP's
/// shape): type and subtype from DICOM where one fits, plus Ers' own event name; the user as the requesting agent with
/// the role profile, the organisation (ODS code) as an agent, the workstation as the network agent it is; Ers as the
/// source; the card and the session as entities. Every field of the record appears once, so an export loses nothing.
/// </summary>
public static class AuditEventMapping
{
    /// <summary>What <see cref="FhirAuditEvent.SourceComponent.Site"/> says unless the caller names its deployment.</summary>
    public const string DefaultSite = "Ers";

    private static readonly Coding UserAuthentication = new(ErsFhirSystems.Dicom, "110114", "User Authentication");
    private static readonly Coding SecurityAlert = new(ErsFhirSystems.Dicom, "110113", "Security Alert");

    /// <param name="record">The record.</param>
    /// <param name="site">The deployment that recorded it (<c>AuditEvent.source.site</c>).</param>
    public static FhirAuditEvent ToFhir(AuditRecord record, string site = DefaultSite)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (type, action, subtypes) = Classify(record.Event);
        var resource = new FhirAuditEvent
        {
            Id = record.Id.ToString("D"),
            Type = type,
            Subtype = [.. subtypes, new Coding(ErsFhirSystems.AuditEventName, record.Event.ToString(), Describe(record.Event))],
            Action = action,
            // To the microsecond, as PostgreSQL keeps it: the same record exports the same from either trail.
            Recorded = AuditOrder.Normalise(record.Time),
            // DICOM/FHIR: 0 success, 4 minor failure (a request refused, as an HTTP 4xx would be).
            Outcome = record.Outcome == AuditOutcome.Success ? FhirAuditEvent.AuditEventOutcome.N0 : FhirAuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = record.Reason,
            Agent = Agents(record),
            Source = new FhirAuditEvent.SourceComponent
            {
                Site = site,
                Observer = new ResourceReference { Display = "Ers login service" },
                Type = [new Coding(ErsFhirSystems.SecuritySourceType, "4", "Application Server")],
            },
            Entity = Entities(record),
        };
        return resource;
    }

    private static (Coding Type, FhirAuditEvent.AuditEventAction Action, Coding[] Subtypes) Classify(AuditEvent kind) => kind switch
    {
        AuditEvent.SessionCreated => (UserAuthentication, FhirAuditEvent.AuditEventAction.E, [new Coding(ErsFhirSystems.Dicom, "110122", "Login")]),
        AuditEvent.SessionEnded => (UserAuthentication, FhirAuditEvent.AuditEventAction.E, [new Coding(ErsFhirSystems.Dicom, "110123", "Logout")]),
        AuditEvent.CardRevoked or AuditEvent.CardBlocked =>
            (SecurityAlert, FhirAuditEvent.AuditEventAction.U, [new Coding(ErsFhirSystems.Dicom, "110137", "User Security Attributes Changed")]),
        AuditEvent.DirectoryImported =>
            (SecurityAlert, FhirAuditEvent.AuditEventAction.U, [new Coding(ErsFhirSystems.Dicom, "110136", "Security Roles Changed")]),
        // Refusals, role and business-function choices, card insertion and removal, a browser's session replaced:
        // steps of authenticating a user, for which DICOM has no finer subtype.
        _ => (UserAuthentication, FhirAuditEvent.AuditEventAction.E, []),
    };

    private static string Describe(AuditEvent kind) => kind switch
    {
        AuditEvent.Refused => "Refused",
        AuditEvent.SessionCreated => "Session created",
        AuditEvent.RoleChosen => "Role chosen",
        AuditEvent.BusinessFunctionChosen => "Business function chosen",
        AuditEvent.SessionEnded => "Session ended",
        AuditEvent.CardInserted => "Card inserted",
        AuditEvent.CardRemoved => "Card removed",
        AuditEvent.CardRevoked => "Card revoked",
        AuditEvent.CardBlocked => "Card blocked",
        AuditEvent.DirectoryImported => "Directory imported",
        AuditEvent.BrowserSessionReplaced => "Browser session replaced",
        _ => kind.ToString(),
    };

    private static List<FhirAuditEvent.AgentComponent> Agents(AuditRecord record)
    {
        var agents = new List<FhirAuditEvent.AgentComponent>();
        if (record.UserId is not null)
        {
            var user = new FhirAuditEvent.AgentComponent
            {
                Type = Concept(ErsFhirSystems.ExtraSecurityRoleType, "humanuser", "human user"),
                Who = Reference("Practitioner", ErsFhirSystems.SdsUserId, record.UserId),
                Requestor = true,
            };
            if (record.RoleProfileId is not null)
            {
                user.Role.Add(new CodeableConcept(ErsFhirSystems.SdsRoleProfileId, record.RoleProfileId));
            }

            agents.Add(user);
        }

        if (record.OdsCode is not null)
        {
            agents.Add(new FhirAuditEvent.AgentComponent
            {
                Type = Concept(ErsFhirSystems.RoleClass, "PROV", "healthcare provider"),
                Who = Reference("Organization", ErsFhirSystems.OdsOrganisationCode, record.OdsCode),
                Requestor = false,
            });
        }

        if (record.WorkstationId is not null)
        {
            agents.Add(new FhirAuditEvent.AgentComponent
            {
                Type = Concept(ErsFhirSystems.Dicom, "110153", "Source Role ID"),
                Who = Reference("Device", ErsFhirSystems.WorkstationId, record.WorkstationId),
                // Without a user the workstation is the one that asked (a refused card, an unknown certificate).
                Requestor = record.UserId is null,
                Network = new FhirAuditEvent.NetworkComponent
                {
                    Address = record.WorkstationId,
                    Type = FhirAuditEvent.AuditEventAgentNetworkType.N1, // machine name
                },
            });
        }

        if (agents.Count == 0)
        {
            // An AuditEvent has at least one agent: with no user or workstation (a directory import) it is Ers itself.
            agents.Add(new FhirAuditEvent.AgentComponent
            {
                Type = Concept(ErsFhirSystems.Dicom, "110150", "Application"),
                Who = new ResourceReference { Display = "Ers login service" },
                Requestor = false,
            });
        }

        return agents;
    }

    private static List<FhirAuditEvent.EntityComponent> Entities(AuditRecord record)
    {
        var entities = new List<FhirAuditEvent.EntityComponent>();
        if (record.CardId is not null)
        {
            entities.Add(new FhirAuditEvent.EntityComponent
            {
                What = Reference(null, ErsFhirSystems.CardId, record.CardId),
                Type = new Coding(ErsFhirSystems.AuditEntityType, "2", "System Object"),
                Description = "smartcard",
            });
        }

        if (record.SessionId is not null || record.BusinessFunction is not null)
        {
            var session = new FhirAuditEvent.EntityComponent
            {
                What = record.SessionId is null ? null : Reference(null, ErsFhirSystems.SessionId, record.SessionId),
                Type = new Coding(ErsFhirSystems.AuditEntityType, "2", "System Object"),
                Description = "login session",
            };
            if (record.BusinessFunction is not null)
            {
                session.Detail.Add(new FhirAuditEvent.DetailComponent { Type = "business-function", Value = new FhirString(record.BusinessFunction) });
            }

            entities.Add(session);
        }

        return entities;
    }

    private static CodeableConcept Concept(string system, string code, string display) => new(system, code, display, null);

    private static ResourceReference Reference(string? type, string system, string value) =>
        new() { Type = type, Identifier = new Identifier(system, value) };
}
