using Ers.Cards;
using Ers.Sessions;

namespace Ers.Testing.Silos;

/// <summary>A card in a reader at a workstation with the live session it started (<see cref="LoginDriver.StartSessionAsync"/>).</summary>
public sealed record StartedSession(string CardId, ICardGrain Card, string WorkstationId, string SessionId, ISessionGrain Session);
