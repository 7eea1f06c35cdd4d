using System.Globalization;

namespace Ers.Grains.Staff;

/// <summary>
/// Whether a name matches what an RA typed: every typed word starts a word of the name, ignoring case ("Kowal" finds
/// "Tomasz Kowalczyk", "dr mehta" finds "Dr Rahul Mehta").
/// </summary>
public static class StaffNameSearch
{
    public const int MinLength = 2;
    public const int MaxLength = 100;

    public static bool Matches(string name, string text)
    {
        var words = Words(name);
        return Words(text) is { Length: > 0 } wanted && wanted.All(w => words.Any(n => n.StartsWith(w, StringComparison.Ordinal)));
    }

    private static string[] Words(string text) =>
        text.ToLower(CultureInfo.InvariantCulture).Split([' ', '-', '\'', '.', ','], StringSplitOptions.RemoveEmptyEntries);
}
