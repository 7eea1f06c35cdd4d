using System.Security.Cryptography;
using Ers.Api;
using Ers.Cards;
using Ers.Sessions;

namespace Ers.Testing.Silos;

/// <summary>
/// A card login at grain level by the protocol the agents' API runs: the card presented with its key (here a fresh
/// software P-256 key, standing for a certificate the edge validated), the login statement signed, the answer sent.
/// The card grain checks the statement and signature itself, so a grain-level test logs in exactly as the API does.
/// </summary>
public static class CardLogins
{
    /// <summary>The origin the statements of grain-level logins name (the API passes its configured one).</summary>
    public const string Origin = "https://ers.test";

    /// <summary>Presents the card at <paramref name="workstationId"/> for <paramref name="userId"/> and signs its challenge there.</summary>
    public static async Task<Outcome<SessionSnapshot>> LogInAsync(this ICardGrain card, string workstationId, string userId)
    {
        using var key = NewKey();
        var presented = await card.PresentAsync(workstationId, userId, key);
        return presented.Refusal is { } refusal ? refusal : await card.AnswerAsync(workstationId, presented.Value!.Challenge, key);
    }

    /// <summary>A software card key, P-256 as most PIV cards carry.</summary>
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Presents the card at <paramref name="workstationId"/> with <paramref name="key"/> as its certificate's key.</summary>
    public static Task<Outcome<CardPresented>> PresentAsync(this ICardGrain card, string workstationId, string userId, ECDsa key) =>
        card.PresentedAsync(workstationId, new CardKey(userId, CardKeyAlgorithm.EcdsaP256Sha256, key.ExportSubjectPublicKeyInfo()));

    /// <summary>
    /// Answers <paramref name="challenge"/> from <paramref name="workstationId"/> with a signature by
    /// <paramref name="key"/> over the statement that workstation would build.
    /// </summary>
    public static Task<Outcome<SessionSnapshot>> AnswerAsync(this ICardGrain card, string workstationId, LoginChallenge challenge, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(key);
        var statement = LoginStatement.Build(Origin, workstationId, card.GetPrimaryKeyString(), challenge.ChallengeId, challenge.Nonce);
        return card.AuthenticateAsync(new CardLogin(workstationId, challenge.ChallengeId, key.SignData(statement, HashAlgorithmName.SHA256), Origin));
    }
}
