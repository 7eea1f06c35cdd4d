using System.Text.Json;

namespace Ers.Web.Apis;

/// <summary>The body of a directory import preview: the staff directory file itself (docs/directory-format.md).</summary>
public sealed record AdminDirectoryPreviewRequest(JsonElement Directory);
