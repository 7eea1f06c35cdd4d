using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ers.VirtualCard;

/// <summary>
/// What a card keeps across power cycles: its PIN tries left, its PUK tries left, and its PIN (set by RESET RETRY
/// COUNTER). The card program keeps it in a small state file beside the card file (<c>USERID-ALG.pin-tries</c>): line 1
/// the PIN tries, line 2 the PUK tries, line 3 the PIN. A file of one line (written before the card had a PUK) still
/// loads: full PUK tries and the PIN the program was started with. It is the card's own memory, a development card's
/// stand-in for its chip: nothing else reads it.
/// </summary>
public sealed record CardMemory(int PinTriesLeft, int PukTriesLeft, byte[] Pin)
{
    /// <summary>Reads a state file; null when there is none or it cannot be read (the card starts fresh).</summary>
    public static CardMemory? Load(string path, string startPin)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !TryCount(lines[0], VirtualPivCard.MaxPinTries, out var pinTries))
        {
            return null;
        }
        var pukTries = VirtualPivCard.MaxPukTries;
        if (lines.Length > 1 && !TryCount(lines[1], VirtualPivCard.MaxPukTries, out pukTries))
        {
            return null;
        }
        var pin = lines.Length > 2 && lines[2].Trim() is { Length: > 0 } saved ? saved : startPin;
        return new CardMemory(pinTries, pukTries, Encoding.ASCII.GetBytes(pin));
    }

    /// <summary>Writes the state file, readable by its owner only.</summary>
    public void Save(string path)
    {
        var text = new byte[64];
        var length = Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{PinTriesLeft}\n{PukTriesLeft}\n"), text);
        Pin.CopyTo(text, length);
        length += Pin.Length;
        text[length++] = (byte)'\n';
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var file = new FileStream(path, options);
            file.Write(text, 0, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    private static bool TryCount(string line, int max, out int count) =>
        int.TryParse(line.Trim(), CultureInfo.InvariantCulture, out count) && count >= 0 && count <= max;
}
