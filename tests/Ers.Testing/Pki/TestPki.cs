using System.Security.Cryptography.X509Certificates;
using Ers.Tools.Pki;
using Ers.Web.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Testing.Pki;

/// <summary>A development PKI in a temporary directory and a validator over it, for unit tests (no host).</summary>
public sealed class TestPki : IDisposable
{
    public TestPki(CardAuthenticationOptions? options = null, bool foreign = false)
    {
        TestKeys.CopyCas(Directory, foreign);
        Pki = DevPki.Open(Directory, Time);
        Pki.WriteCrls(TimeSpan.FromDays(1));
        Options = options ?? new CardAuthenticationOptions();
        Roots = Load(DevPki.SmartcardRootName);
        Intermediates = Load(DevPki.SmartcardIssuingName);
        Crls = new CrlStore([DevPki.CrlPath(Directory, DevPki.SmartcardIssuingName)], [.. Roots, .. Intermediates], Time, NullLogger.Instance);
        Validator = new CardCertificateValidator(Options, Roots, Intermediates, Crls, Time);
    }

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "ers-pki-tests-" + Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public DevPki Pki { get; }

    public CardAuthenticationOptions Options { get; }

    public X509Certificate2Collection Roots { get; }

    public X509Certificate2Collection Intermediates { get; }

    public CrlStore Crls { get; }

    public CardCertificateValidator Validator { get; }

    public TestCard Card(string userId = "555294209105", KeyAlgorithm algorithm = KeyAlgorithm.Rsa2048, int days = 365)
    {
        var card = TestCard.Issue(Pki.SmartcardIssuing, userId, "Dr Amelia Hart", algorithm, Time.GetUtcNow().AddMinutes(-5), Time.GetUtcNow().AddDays(days));
        Pki.RecordIssued(card.Certificate, DevPki.SmartcardIssuingName, "card");
        return card;
    }

    public async Task RevokeAsync(TestCard card)
    {
        Pki.Revoke(card.SerialNumber);
        Pki.WriteCrls(TimeSpan.FromDays(1));
        await Crls.RefreshAsync();
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private X509Certificate2Collection Load(string name)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(DevPki.CertificatePath(Directory, name));
        return collection;
    }
}
