namespace Ers.Web.Apis;

/// <summary>
/// The body of <c>POST /api/admin/v1/cards/{cardId}/unblock</c>: an empty JSON object. It carries nothing (the order
/// is for the RA's own workstation), but being JSON it cannot be sent by another site's form.
/// </summary>
public sealed record AdminUnblockRequest;
