using Ers.Sessions;

namespace Ers.Web.Tests.Ra;

/// <summary>A card in a reader carrying a live session.</summary>
public sealed record CardSession(string CardId, string WorkstationId, string SessionId, ISessionGrain Grain);
