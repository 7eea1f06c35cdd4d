using System.Security.Cryptography.X509Certificates;
using Ers.Grains.Revocation;
using Ers.Tools.Pki;
using Ers.Web.Security;
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
        Crls = new CrlStore(Time);
        Book = NewBook(DevPki.CrlPath(Directory, DevPki.SmartcardIssuingName));
        Validator = new CardCertificateValidator(Options, Roots, Intermediates, Crls, Time);
    }

    /// <summary>The silo's CRL logic over the issuing CA's CRL file (what the revocation owner runs), without a cluster.</summary>
    public CrlBook Book { get; }

    /// <summary>The CRL reading settings the <see cref="Book"/> uses.</summary>
    public CrlOptions CrlOptions { get; } = new();

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "ers-pki-tests-" + Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public DevPki Pki { get; }

    public CardAuthenticationOptions Options { get; }

    public X509Certificate2Collection Roots { get; }

    public X509Certificate2Collection Intermediates { get; }

    public CrlStore Crls { get; }

    public CardCertificateValidator Validator { get; }

    public TestCard Card(string userId = "555294209105", KeyAlgorithm algorithm = KeyAlgorithm.Rsa2048, int days = 365) =>
        TestCard.IssueRecorded(Pki, userId, "Dr Amelia Hart", algorithm, Time.GetUtcNow().AddMinutes(-5), Time.GetUtcNow().AddDays(days));

    public async Task RevokeAsync(TestCard card)
    {
        Pki.Revoke(card.SerialNumber);
        Pki.WriteCrls(TimeSpan.FromDays(1));
        await RefreshCrlsAsync();
    }

    /// <summary>A book over one more CRL source (any path), verified against this PKI's smartcard CAs.</summary>
    public CrlBook NewBook(params string[] sources)
    {
        var book = new CrlBook();
        foreach (var source in sources)
        {
            book.Add(CrlOptions.Card, source, CrlOptions, new CrlAuthorities([.. Roots, .. Intermediates]), Time.GetUtcNow());
        }

        return book;
    }

    /// <summary>Reads every source of <paramref name="book"/> (default <see cref="Book"/>) and applies the result to <see cref="Crls"/>, as a web node does.</summary>
    public async Task<IReadOnlyList<string?>> RefreshCrlsAsync(CrlBook? book = null)
    {
        book ??= Book;
        var errors = new List<string?>();
        foreach (var (source, validators, options) in book.Due(Time.GetUtcNow(), force: true))
        {
            errors.Add(book.Record(source, await Reader.ReadAsync(source, validators, options, CancellationToken.None), Time.GetUtcNow()).Error);
        }

        Crls.Apply(book.Snapshot(0, Time.GetUtcNow()).CardCrls);
        return errors;
    }

    private static CrlReader Reader { get; } = new(new HttpClient());

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private X509Certificate2Collection Load(string name)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(DevPki.CertificatePath(Directory, name));
        return collection;
    }
}
