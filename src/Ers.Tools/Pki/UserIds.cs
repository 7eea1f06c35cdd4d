namespace Ers.Tools.Pki;

public static class UserIds
{
    /// <summary>A user UUID is exactly 12 ASCII digits.</summary>
    public static bool IsValid(string? value) => value is { Length: 12 } && value.All(char.IsAsciiDigit);
}
