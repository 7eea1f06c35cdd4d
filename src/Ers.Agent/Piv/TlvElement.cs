namespace Ers.Agent.Piv;

/// <summary>One BER-TLV element: tag (up to 3 bytes), value (a slice of the input, never copied).</summary>
public readonly record struct TlvElement(int Tag, ReadOnlyMemory<byte> Value);
