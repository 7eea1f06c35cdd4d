using System.Security.Cryptography;

namespace Ers.LoadTests;

/// <summary>A simulated smartcard: its PIV Authentication certificate and its private key, in memory only.</summary>
public sealed class SimulatedCard(string cardId, string userId, byte[] certificate, ECDsa key)
{
    public string CardId { get; } = cardId;
    public string UserId { get; } = userId;
    public byte[] Certificate { get; } = certificate;

    /// <summary>Signs a login statement (Ers.Api's LoginStatement) as a PIV card does (ECDSA P-256 over SHA-256, DER-encoded signature).</summary>
    public byte[] Sign(byte[] statement) =>
        key.SignData(statement, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
}
