namespace Ers.Grains.Revocation;

[GenerateSerializer, Alias("ers.CertificateState")]
public sealed class CertificateGrainState
{
    /// <summary>The cards that logged in with the certificate (one in practice; bounded).</summary>
    [Id(0)] public List<string> Cards { get; set; } = [];

    /// <summary>A CRL revoked the certificate: a card binding to it later is revoked at once.</summary>
    [Id(1)] public bool Revoked { get; set; }

    /// <summary>The workstations that presented the certificate at a login (one in practice; bounded).</summary>
    [Id(2)] public List<string> Workstations { get; set; } = [];
}
