namespace Ers.Deploy.Tests;

/// <summary>Container image reference parts.</summary>
public static class Images
{
    /// <summary>The last path segment of an image reference, without tag or digest: <c>registry/ers/ers-web:1.0</c> gives <c>ers-web</c>.</summary>
    public static string Repository(string image)
    {
        var withoutDigest = image.Split('@')[0];
        var lastSegment = withoutDigest[(withoutDigest.LastIndexOf('/') + 1)..];
        return lastSegment.Split(':')[0];
    }

    /// <summary>The tag, or null when the reference has none (or only a digest).</summary>
    public static string? Tag(string image)
    {
        var withoutDigest = image.Split('@')[0];
        var lastSegment = withoutDigest[(withoutDigest.LastIndexOf('/') + 1)..];
        var colon = lastSegment.IndexOf(':');
        return colon < 0 ? null : lastSegment[(colon + 1)..];
    }
}
