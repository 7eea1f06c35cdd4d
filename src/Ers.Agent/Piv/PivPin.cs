namespace Ers.Agent.Piv;

/// <summary>
/// PIV PIN rules: 6-8 ASCII digits, sent padded with FF to 8 bytes. The PUK (key reference 81) is 6-8 printable
/// ASCII characters (digits on most cards), padded the same way.
/// </summary>
public static class PivPin
{
    public const int MinLength = 6;
    public const int MaxLength = 8;

    public static bool IsWellFormed(ReadOnlySpan<char> pin)
    {
        if (pin.Length is < MinLength or > MaxLength)
        {
            return false;
        }
        foreach (var c in pin)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsWellFormedPuk(ReadOnlySpan<char> puk)
    {
        if (puk.Length is < MinLength or > MaxLength)
        {
            return false;
        }
        foreach (var c in puk)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes the PIN into <paramref name="target"/> (8 bytes), ASCII then FF padding.</summary>
    public static void Encode(ReadOnlySpan<char> pin, Span<byte> target)
    {
        target.Fill(0xFF);
        for (var i = 0; i < pin.Length; i++)
        {
            target[i] = (byte)pin[i];
        }
    }
}
