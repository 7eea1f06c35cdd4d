namespace Ers.LoadTests;

/// <summary>What one journey does after the login, and where the browser pages are.</summary>
public sealed record JourneyOptions(
    int PageViews,
    int Heartbeats,
    HttpClient? ErsPages,
    string ErsPagePath,
    string? BusinessFunctionPath,
    HttpClient? Baseline,
    bool RemoveCard);
