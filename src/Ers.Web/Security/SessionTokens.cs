namespace Ers.Web.Security;

/// <summary>Issues and reads the agent's session tokens. A token that fails here never reaches a grain.</summary>
public sealed class SessionTokens(TokenProtector protector, TimeProvider time, TimeSpan lifetime)
{
    private const byte Version = 1;

    public string Issue(string sessionId, string workstationId, string cardId, string userId, CertificateId certificate) =>
        protector.Protect(new PayloadWriter(Version)
            .Text(sessionId).Text(workstationId).Text(cardId).Text(userId)
            .Text(certificate.IssuerHash).Text(certificate.SerialNumber)
            .Time(time.GetUtcNow() + lifetime)
            .ToArray());

    /// <summary>True for an authentic, unexpired token.</summary>
    public bool TryRead(string? token, out SessionClaims claims)
    {
        claims = null!;
        if (!protector.TryUnprotect(token, out var payload))
        {
            return false;
        }

        try
        {
            var reader = new PayloadReader(payload, Version);
            claims = new SessionClaims(reader.Text(), reader.Text(), reader.Text(), reader.Text(),
                new CertificateId(reader.Text(), reader.Text()), reader.Time());
            reader.End();
        }
        catch (FormatException)
        {
            return false;
        }

        return time.GetUtcNow() < claims.ExpiresAt;
    }
}
