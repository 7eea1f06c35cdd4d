using System.Text.Json;

namespace Ers.Web.Apis;

/// <summary>
/// The body of a directory import apply: the same file as previewed, the preview's fingerprint (refused if the
/// directory changed since) and the RA's reason, kept in the audit records.
/// </summary>
public sealed record AdminDirectoryApplyRequest(JsonElement Directory, string Fingerprint, string Reason);
