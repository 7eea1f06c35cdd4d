using System.Security.Cryptography.X509Certificates;
using Ers.VirtualCard;

// A virtual PIV card in a vpcd reader: Enter removes it, Enter again re-inserts the same card (its PIN counter kept),
// "q" or the end of stdin quits. See README.md.
string? certPath = null, keyPath = null, pfxPassword = null, statePath = null;
Guid? cardId = null;
var pin = "123456";
var puk = VirtualCardOptions.DefaultPuk;
var reader = 0;
var malformed = MalformedAnswers.None;
var bench = false;
var iterations = 50;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--cert": certPath = Next(); break;
        case "--key": keyPath = Next(); break;
        case "--pfx-password": pfxPassword = Next(); break;
        case "--pin": pin = Next(); break;
        case "--puk": puk = Next(); break;
        case "--card-id": cardId = Guid.Parse(Next()); break;
        case "--card":
            // A card written by `ers pki` (.ers/pki/cards/<user id>-<algorithm>.json): certificate, key and card id in one go.
            var issued = System.Text.Json.JsonSerializer.Deserialize<IssuedCardFile>(
                File.ReadAllText(Next()), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))
                ?? throw new ArgumentException("Empty card file.");
            (certPath, keyPath, cardId) = (issued.CertificatePath, issued.KeyPath, Guid.Parse(issued.CardId));
            // A card file from before cards had a PUK names none: the card keeps the default one.
            puk = issued.Puk ?? puk;
            statePath ??= Path.ChangeExtension(args[i], ".pin-tries");
            break;
        case "--state": statePath = Next(); break;
        case "--reader": reader = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--malformed": malformed = Enum.Parse<MalformedAnswers>(Next(), ignoreCase: true); break;
        case "--rsa" or "--ecc":
            break;
        case "--bench": bench = true; break;
        case "--iterations": iterations = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Usage: --cert card.pem --key card.key --pin 123456 [--reader 0]");
            return 2;
    }
}

if (bench)
{
    return await CardBench.RunAsync(iterations, args.Contains("--ecc"), Console.Out);
}

X509Certificate2 certificate;
if (certPath is null)
{
    // No files: a throw-away self-signed card, handy for a first try.
    var ecc = args.Contains("--ecc");
    certificate = TestCards.CreateSelfSigned("CN=Virtual Card, SERIALNUMBER=555294209105", ecc);
    Console.WriteLine($"No --cert given: using a throw-away self-signed {(ecc ? "P-256" : "RSA-2048")} certificate.");
}
else if (certPath.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certPath.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
{
    certificate = X509CertificateLoader.LoadPkcs12FromFile(certPath, pfxPassword, X509KeyStorageFlags.Exportable);
}
else
{
    certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath ?? certPath);
}

// A real card keeps its PIN and PUK counters (and a PIN an unblock set) for ever; this card keeps them in a small
// state file across runs (CardMemory).
var memory = statePath is null ? null : CardMemory.Load(statePath, pin);
var key = VirtualCardOptions.FromCertificate(certificate, pin);
var options = new VirtualCardOptions
{
    Certificate = key.Certificate,
    PrivateKey = key.PrivateKey,
    Pin = memory is null ? pin : System.Text.Encoding.ASCII.GetString(memory.Pin),
    Puk = puk,
    CardGuid = cardId is { } id ? VirtualCardOptions.CardGuidFrom(id) : null,
    Malformed = malformed,
    PinTriesLeft = memory?.PinTriesLeft ?? VirtualPivCard.MaxPinTries,
    PukTriesLeft = memory?.PukTriesLeft ?? VirtualPivCard.MaxPukTries,
    MemoryChanged = statePath is null ? null : m => m.Save(statePath),
};
var card = new VirtualPivCard(options);
var stdin = Task.Run(Console.ReadLine);
while (true)
{
    await using var link = new VpcdCardLink(card, reader) { Log = m => Console.WriteLine($"  [{DateTime.UtcNow:HH:mm:ss.fff}] {m}") };
    try
    {
        await link.InsertAsync();
    }
    catch (System.Net.Sockets.SocketException)
    {
        Console.Error.WriteLine($"Cannot reach vpcd on 127.0.0.1:{VpcdCardLink.BasePort + reader}: is pcscd running with vsmartcard-vpcd installed?");
        return 1;
    }
    Console.WriteLine($"Card {card.CardId} inserted in \"{link.ReaderName}\" ({certificate.Subject}), {card.PinTriesLeft} PIN tries left. Enter removes it, q quits.");
    await Task.WhenAny(stdin, link.Completion);
    await link.RemoveAsync();
    Console.WriteLine("Card removed.");
    if (!stdin.IsCompleted || stdin.Result is null || stdin.Result.Trim() == "q")
    {
        return 0; // vpcd went away, end of stdin, or "q"
    }
    Console.WriteLine("Enter inserts it again, q quits.");
    var line = await Console.In.ReadLineAsync();
    if (line is null || line.Trim() == "q")
    {
        return 0;
    }
    stdin = Task.Run(Console.ReadLine);
}

/// <summary>The fields of an <c>ers pki</c> card file this tool needs.</summary>
internal sealed record IssuedCardFile(string CardId, string CertificatePath, string KeyPath, string? Puk);
