using Ers.Tools.Pki;

namespace Ers.Testing.Pki;

/// <summary>
/// Makes the development PKI a test host runs on, with the <c>ers pki</c> code: CAs (copied from the shared set
/// <see cref="TestKeys"/> made once, because RSA key generation costs seconds here), the server TLS certificate,
/// the token key and CRLs valid a week.
/// </summary>
public static class TestPkiMaker
{
    public static readonly TimeSpan CrlValidity = TimeSpan.FromDays(7);

    public static DevPki Create(string directory, TimeProvider time)
    {
        TestKeys.CopyCas(directory);
        var pki = DevPki.Open(directory, time);
        pki.IssueServer();
        pki.EnsureTokenKey();
        pki.WriteCrls(CrlValidity);
        return pki;
    }
}
