using System.Security.Cryptography.X509Certificates;
using Ers.Agent.Api;
using Ers.Api;
using Ers.Testing.Hosts;
using Ers.Testing.Pki;
using Ers.Tools.Pki;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// The agent's journey wired for one test, as its host wires it: the agents' API client (<see cref="HttpAgentApi"/>,
/// over real mutual TLS) of the Kestrel stand-in <see cref="FakeErs"/> or of the real Ers.Web of an
/// <see cref="AgentHost"/>, the <see cref="AgentUnderTest"/> on it (reader service, input pipe, line UI), and the
/// virtual card's readers seen empty before the test inserts anything. Disposing stops the agent, then the client,
/// then the stand-in.
/// </summary>
internal sealed class AgentRig : IAsyncDisposable
{
    /// <summary>Ada Test's referrer role at a surgery, as the stand-in answers it.</summary>
    public static readonly RoleProfileDto Referrer = new("555021935107", "E82665", "Riverside Surgery", "S8000:G8000:R8000", "Clinical Practitioner Access Role");

    /// <summary>Ada Test's provider role at a trust, as the stand-in answers it.</summary>
    public static readonly RoleProfileDto Provider = new("555021935108", "RYY", "Kent Community Health", "S8000:G8000:R8001", "Medical Secretary Access Role");

    private readonly FakeErs? _standIn;

    private AgentRig(FakeErs? standIn, HttpAgentApi http, AgentUnderTest agent)
    {
        _standIn = standIn;
        Http = http;
        Agent = agent;
    }

    /// <summary>The Kestrel stand-in for Ers, for a rig made by <see cref="AgainstStandInAsync"/>.</summary>
    public FakeErs StandIn => _standIn ?? throw new InvalidOperationException("This agent talks to the real Ers.Web.");

    public HttpAgentApi Http { get; }

    public AgentUnderTest Agent { get; }

    /// <summary>The agent against a new stand-in (on a new <see cref="TestPki"/>) that answers <paramref name="roles"/> for every card.</summary>
    /// <param name="roles">The role profiles the stand-in answers.</param>
    /// <param name="agent">The agent on the client it is given (heartbeat, clock, browser, UI as the test needs).</param>
    /// <param name="readers">The readers that must be empty before the test starts (reader 0 unless told).</param>
    public static async Task<AgentRig> AgainstStandInAsync(IReadOnlyList<RoleProfileDto> roles,
        Func<HttpAgentApi, AgentUnderTest> agent, params int[] readers)
    {
        var pki = new TestPki();
        var ers = await FakeErs.StartAsync(pki);
        ers.Roles = roles;
        return await ReadyAsync(ers, new HttpAgentApi(ers.BaseAddress, pki.Workstation, [pki.Ca]), agent, readers);
    }

    /// <summary>The agent against the real Ers.Web of <paramref name="ers"/>, as its first workstation.</summary>
    /// <param name="ers">The running host.</param>
    /// <param name="agent">The agent on the client it is given.</param>
    public static Task<AgentRig> AgainstErsAsync(AgentHost ers, Func<HttpAgentApi, AgentUnderTest> agent) =>
        ReadyAsync(null, new HttpAgentApi(ers.AgentUrl, ers.Workstation1,
            [X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(ers.Directory, DevPki.ServerCaName))]), agent, []);

    /// <summary>
    /// A card Ers issued (<see cref="AgentHost.IssueCard(string, string, KeyAlgorithm)"/>) as the virtual card carries
    /// it: its certificate and key, its card id as the CHUID's GUID.
    /// </summary>
    public static VirtualPivCard VirtualCardOf(TestCard issued) => new(new VirtualCardOptions
    {
        Certificate = issued.Certificate,
        PrivateKey = issued.Certificate.GetRSAPrivateKey()!,
        CardGuid = VirtualCardOptions.CardGuidFrom(Guid.Parse(issued.CardId)),
    });

    private static async Task<AgentRig> ReadyAsync(FakeErs? standIn, HttpAgentApi http, Func<HttpAgentApi, AgentUnderTest> agent, int[] readers)
    {
        var rig = new AgentRig(standIn, http, agent(http));
        try
        {
            foreach (var reader in readers.Length == 0 ? new[] { 0 } : readers)
            {
                await PcscTests.WaitUntilEmptyAsync(rig.Agent.Readers, reader);
            }

            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        Http.Dispose();
        if (_standIn is not null)
        {
            await _standIn.DisposeAsync();
        }
    }
}
