namespace Ers.Web.Security;

/// <summary>
/// The challenge token the agent hands back with its signature: the card, the challenge id its card grain issued,
/// and the certificate presented (its DER bytes, so whichever node the answer reaches re-checks the certificate
/// against the CRLs it holds now without shared state). Authenticated, so a forged or garbled one is refused before
/// any grain. Everything else about the challenge (its nonce, workstation, lifetime and single use) is the card
/// grain's (<c>ICardGrain.PresentedAsync</c>, <c>AuthenticateAsync</c>).
/// </summary>
public sealed class CardChallenges(TokenProtector protector)
{
    private const byte Version = 2;

    public string Issue(string cardId, string challengeId, ReadOnlySpan<byte> certificate) =>
        protector.Protect(new PayloadWriter(Version).Text(cardId).Text(challengeId).Bytes(certificate).ToArray());

    public bool TryRead(string? token, out ChallengeClaims claims)
    {
        claims = null!;
        if (!protector.TryUnprotect(token, out var payload))
        {
            return false;
        }

        try
        {
            var reader = new PayloadReader(payload, Version);
            claims = new ChallengeClaims(reader.Text(), reader.Text(), reader.Bytes());
            reader.End();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
