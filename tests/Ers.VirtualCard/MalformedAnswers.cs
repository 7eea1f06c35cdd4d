namespace Ers.VirtualCard;

/// <summary>Ways the card can misbehave on purpose, to test that the agent survives hostile answers.</summary>
public enum MalformedAnswers
{
    None,

    /// <summary>The certificate object's outer TLV claims more bytes than it holds.</summary>
    BrokenCertificateTlv,

    /// <summary>The certificate object is well-formed TLV but the DER certificate inside is cut short.</summary>
    TruncatedCertificate,

    /// <summary>The CHUID has no GUID (tag 34).</summary>
    ChuidWithoutGuid,

    /// <summary>GET DATA answers an unexpected status word (6F 00).</summary>
    WrongStatusWords,

    /// <summary>GET RESPONSE keeps saying "more" (61 FF) for ever.</summary>
    EndlessResponse,
}
