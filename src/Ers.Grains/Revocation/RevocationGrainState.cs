namespace Ers.Grains.Revocation;

[GenerateSerializer, Alias("ers.RevocationState")]
public sealed class RevocationGrainState
{
    /// <summary>
    /// The card certificate serials already acted on, per issuing CA hash: a serial is revoked (its cards' sessions
    /// ended) once, across reactivations of the owner, not again at every refresh.
    /// </summary>
    [Id(0)] public Dictionary<string, HashSet<string>> Processed { get; set; } = [];

    /// <summary>The card certificates Ers itself revoked (an RA revoked their card), oldest first; see <see cref="ErsRevocations"/>.</summary>
    [Id(1)] public List<Ers.Revocation.RevokedCertificate> RevokedByErs { get; set; } = [];
}
