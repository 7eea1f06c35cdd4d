namespace Ers.Grains.Revocation;

/// <summary>What makes the next read of a source cheap when nothing changed: HTTP validators, or a file's size and time.</summary>
public sealed record CrlValidators(string? ETag, DateTimeOffset? LastModified, DateTime? FileWrittenAt = null, long? FileLength = null);
