using Microsoft.Extensions.Options;

namespace Ers.Grains.Revocation;

/// <summary>
/// The two kinds of CRL source the silo reads, with the CAs that verify each (loaded once, at start: a CA file that
/// cannot be read stops the silo naming the setting).
/// </summary>
public sealed class RevocationSettings
{
    public RevocationSettings(IOptionsMonitor<CrlOptions> options)
    {
        Kinds =
        [
            Load(CrlOptions.Card, CrlOptions.CardSection, options.Get(CrlOptions.Card)),
            Load(CrlOptions.Workstation, CrlOptions.WorkstationSection, options.Get(CrlOptions.Workstation)),
        ];
    }

    public IReadOnlyList<(string Kind, CrlOptions Options, CrlAuthorities Authorities)> Kinds { get; }

    private static (string, CrlOptions, CrlAuthorities) Load(string kind, string section, CrlOptions options) =>
        (kind, options, CrlAuthorities.Load([.. options.TrustedRoots, .. options.IntermediateCertificates], $"{section}:TrustedRoots/IntermediateCertificates"));
}
