using Ers.Tools.Pki;

namespace Ers.Testing.Pki;

/// <summary>
/// Makes the development PKI a test host runs on, with the <c>ers pki</c> code: CAs (copied from the shared set
/// <see cref="TestKeys"/> made once, because RSA key generation costs seconds here), the server TLS certificate,
/// the token key, the OpenID Connect provider's keys and CRLs valid a week.
/// </summary>
public static class TestPkiMaker
{
    public static readonly TimeSpan CrlValidity = TimeSpan.FromDays(7);

    /// <param name="directory">Where the PKI is written.</param>
    /// <param name="time">The PKI's clock.</param>
    /// <param name="freshCas">
    /// New CAs dated by <paramref name="time"/> instead of the shared ones (dated now): for a clock far from now.
    /// </param>
    public static DevPki Create(string directory, TimeProvider time, bool freshCas = false)
    {
        DevPki pki;
        if (freshCas)
        {
            pki = DevPki.Init(directory, time);
        }
        else
        {
            TestKeys.CopyCas(directory);
            pki = DevPki.Open(directory, time);
        }

        pki.IssueServer();
        pki.EnsureTokenKey();
        pki.EnsureOidcKeys(TestKeys.Rsa);
        pki.WriteCrls(CrlValidity);
        return pki;
    }
}
