namespace Ers.Agent.Piv;

/// <summary>The PIV Authentication key's algorithm, as GENERAL AUTHENTICATE names it.</summary>
public enum PivKeyAlgorithm : byte
{
    Rsa2048 = 0x07,
    EccP256 = 0x11,
}
