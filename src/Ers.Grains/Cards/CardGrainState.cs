using Ers.Cards;

namespace Ers.Grains.Cards;

[GenerateSerializer, Alias("ers.CardState")]
public sealed class CardGrainState
{
    [Id(0)] public CardState State { get; set; }
    [Id(1)] public string? WorkstationId { get; set; }
    [Id(2)] public string? UserId { get; set; }
    [Id(3)] public string? SessionId { get; set; }
    [Id(4)] public DateTimeOffset? ChangedAt { get; set; }
    /// <summary>The ids of answered login challenges, until when each is remembered (<see cref="LoginChallengeRules"/>).</summary>
    [Id(5)] public Dictionary<string, DateTimeOffset> ConsumedChallenges { get; set; } = [];

    /// <summary>
    /// Workstations that reported the card inserted while another held it, until when that report counts: the card
    /// moves to one of them only when it signs there (issue 13, defect 2).
    /// </summary>
    [Id(6)] public Dictionary<string, DateTimeOffset> ReportedElsewhere { get; set; } = [];

    /// <summary>The RA's unblock order (issue 16), until it is used or replaced; an expired one is ignored.</summary>
    [Id(7)] public UnblockOrder? UnblockOrder { get; set; }

    /// <summary>
    /// The certificates the card logged in with (issue 16: an RA's revocation revokes them), learnt from the
    /// certificate grain at each login; a few at most, oldest dropped first.
    /// </summary>
    [Id(8)] public List<CardCertificate> Certificates { get; set; } = [];

    /// <summary>The RA's revocation of the card (the first), so a certificate learnt after it is published too.</summary>
    [Id(9)] public CardRevocation? Revocation { get; set; }

    /// <summary>
    /// The login challenges issued for this card and not yet answered (issue 13), by id; a few at most
    /// (<see cref="LoginChallengeRules"/>). An answered one moves to <see cref="ConsumedChallenges"/>, without its key.
    /// </summary>
    [Id(10)] public Dictionary<string, IssuedChallenge> Challenges { get; set; } = [];
}
