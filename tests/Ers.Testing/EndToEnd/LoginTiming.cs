namespace Ers.Testing.EndToEnd;

/// <summary>One card-to-homepage run, broken down (milliseconds).</summary>
public sealed record LoginTiming(
    double Total,
    double PcscEvent,
    double CardApdus,
    double ServerCalls,
    double BrowserToHomepage,
    double UserPrompts,
    IReadOnlyDictionary<string, double> ServerCallsByName);
