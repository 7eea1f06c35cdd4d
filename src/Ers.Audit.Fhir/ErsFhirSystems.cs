namespace Ers.Audit.Fhir;

/// <summary>
/// The identifier and code systems of the FHIR export: NHS England's where one exists (SDS user and role profile
/// ids, ODS codes), Ers' own URNs for what only Ers names (cards, sessions, workstations, its event names).
/// </summary>
public static class ErsFhirSystems
{
    public const string SdsUserId = "https://fhir.nhs.uk/Id/sds-user-id";
    public const string SdsRoleProfileId = "https://fhir.nhs.uk/Id/sds-role-profile-id";
    public const string OdsOrganisationCode = "https://fhir.nhs.uk/Id/ods-organization-code";
    public const string CardId = "urn:ers:id:card";
    public const string SessionId = "urn:ers:id:session";
    public const string WorkstationId = "urn:ers:id:workstation";

    /// <summary>Ers' own event names (<see cref="AuditEvent"/>), one subtype of every exported event.</summary>
    public const string AuditEventName = "urn:ers:audit-event";

    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string SecuritySourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";
    public const string AuditEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public const string ExtraSecurityRoleType = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    public const string RoleClass = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
}
