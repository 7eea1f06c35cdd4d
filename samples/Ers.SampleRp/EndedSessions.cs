using System.Collections.Concurrent;

namespace Ers.SampleRp;

/// <summary>
/// The provider sessions that ended (their <c>sid</c>), as back-channel logout told this application. The cookie
/// handler checks every request's <c>sid</c> against it. In memory: one process; a real application with several
/// nodes keeps it where they all read it (its database, its cache), for at least as long as its cookies live.
/// </summary>
public sealed class EndedSessions
{
    /// <summary>Set on a request whose cookie was refused for an ended session, so its page says why.</summary>
    public const string EndedItem = "ers-sample-rp:session-ended";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);

    public void Ended(string sid, DateTimeOffset at) => _ended.TryAdd(sid, at);

    public bool HasEnded(string? sid) => sid is not null && _ended.ContainsKey(sid);
}
