namespace Ers.Web.Apis;

/// <summary>The body of an admin API action that changes something: the RA's reason, kept in the audit record.</summary>
public sealed record AdminReasonRequest(string Reason);
