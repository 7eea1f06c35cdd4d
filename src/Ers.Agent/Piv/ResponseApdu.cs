namespace Ers.Agent.Piv;

/// <summary>A response APDU: data then the two status bytes.</summary>
public readonly record struct ResponseApdu(ReadOnlyMemory<byte> Data, byte Sw1, byte Sw2)
{
    public int StatusWord => (Sw1 << 8) | Sw2;

    public bool IsSuccess => StatusWord == 0x9000;

    public static ResponseApdu Parse(byte[] raw)
    {
        if (raw.Length < 2)
        {
            throw new PivException(PivError.MalformedResponse, "The card's answer has no status word.");
        }
        return new ResponseApdu(raw.AsMemory(0, raw.Length - 2), raw[^2], raw[^1]);
    }
}
