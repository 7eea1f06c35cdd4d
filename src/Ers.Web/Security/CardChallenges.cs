using System.Security.Cryptography;

namespace Ers.Web.Security;

/// <summary>
/// Issues and reads challenge tokens. A challenge is 32 fresh random bytes bound to the card id, the workstation and
/// the certificate (its DER bytes travel inside the authenticated token, so any node can finish the login without
/// shared state). Single use is not decided here: the card grain records consumed challenge ids.
/// </summary>
public sealed class CardChallenges(TokenProtector protector, TimeProvider time, TimeSpan lifetime)
{
    public const int ChallengeSize = Ers.Api.LoginStatement.NonceSize;
    private const byte Version = 1;

    public IssuedChallenge Issue(string cardId, string workstationId, ReadOnlySpan<byte> certificate)
    {
        var challengeId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var challenge = RandomNumberGenerator.GetBytes(ChallengeSize);
        var expiresAt = time.GetUtcNow() + lifetime;
        var payload = new PayloadWriter(Version)
            .Text(challengeId).Bytes(challenge).Text(cardId).Text(workstationId).Bytes(certificate).Time(expiresAt)
            .ToArray();
        return new IssuedChallenge(protector.Protect(payload), challenge, expiresAt, challengeId);
    }

    /// <summary>Reads an authentic token (expired ones too: the caller tells expired from forged).</summary>
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
            claims = new ChallengeClaims(reader.Text(), reader.Bytes(), reader.Text(), reader.Text(), reader.Bytes(), reader.Time());
            reader.End();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public bool IsExpired(ChallengeClaims claims) => time.GetUtcNow() >= claims.ExpiresAt;
}
