using System.Security.Cryptography;
using Ers.Api;

namespace Ers.Web.Tests;

/// <summary>
/// The login statement's bytes (src/Ers.Api.Contracts/LoginStatement.cs), which the agent and the server build
/// independently and must agree on to the bit: a fixed vector (computed outside .NET, from the documented layout),
/// the origin's normalisation, and the strict input checks.
/// </summary>
public sealed class LoginStatementTests
{
    private const string Origin = "https://ers.example.org:8443";
    private const string Workstation = "WS-0001";
    private const string Card = "6f1c2b3a-0000-4000-8000-000000000001";
    private const string ChallengeId = "00112233445566778899AABBCCDDEEFF";
    private static readonly byte[] Nonce = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void Fixed_inputs_give_the_fixed_statement_and_hash()
    {
        var statement = LoginStatement.Build(Origin, Workstation, Card, ChallengeId, Nonce);

        Assert.Equal(
            "4572732D4C6F67696E2D7631" + "00" // "Ers-Login-v1", the zero byte
            + "001C" + "68747470733A2F2F6572732E6578616D706C652E6F72673A38343433" // origin
            + "0007" + "57532D30303031" // workstation id
            + "0024" + "36663163326233612D303030302D343030302D383030302D303030303030303030303031" // card id
            + "0020" + "3030313132323333343435353636373738383939414142424343444445454646" // challenge id
            + "0020" + "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", // nonce
            Convert.ToHexString(statement));
        Assert.Equal(158, statement.Length);
        Assert.Equal("C172E1447E67E8441F9BAB8771A12FD4C8F0ED1CE31396C681492EB234850220", Convert.ToHexString(SHA256.HashData(statement)));
    }

    [Fact]
    public void Each_field_changes_the_statement()
    {
        var genuine = LoginStatement.Build(Origin, Workstation, Card, ChallengeId, Nonce);
        byte[] otherNonce = [.. Nonce];
        otherNonce[31] ^= 1;
        byte[][] others =
        [
            LoginStatement.Build("https://ers.example.net:8443", Workstation, Card, ChallengeId, Nonce),
            LoginStatement.Build(Origin, "WS-0002", Card, ChallengeId, Nonce),
            LoginStatement.Build(Origin, Workstation, "6f1c2b3a-0000-4000-8000-000000000002", ChallengeId, Nonce),
            LoginStatement.Build(Origin, Workstation, Card, "00112233445566778899AABBCCDDEEF0", Nonce),
            LoginStatement.Build(Origin, Workstation, Card, ChallengeId, otherNonce),
            // The same characters split differently between two fields: the length prefixes tell them apart.
            LoginStatement.Build(Origin, Workstation + "6", Card[1..], ChallengeId, Nonce),
        ];

        Assert.All(others, other => Assert.NotEqual(genuine, other));
        Assert.Equal(others.Length, others.Select(Convert.ToHexString).Distinct().Count());
    }

    [Theory]
    [InlineData("https://ERS.Example.ORG", "https://ers.example.org")]
    [InlineData("https://ers.example.org:443/", "https://ers.example.org")]
    [InlineData("https://ers.example.org:8443/api/agent/v1/", "https://ers.example.org:8443")]
    [InlineData("https://127.0.0.1:5443", "https://127.0.0.1:5443")]
    [InlineData("https://[::1]:5443", "https://[::1]:5443")]
    public void Origins_are_normalised(string address, string origin) =>
        Assert.Equal(origin, LoginStatement.Origin(new Uri(address)));

    [Theory]
    [InlineData("http://ers.example.org")]
    [InlineData("ftp://ers.example.org")]
    [InlineData("https://user:secret@ers.example.org")]
    [InlineData("file:///etc/passwd")]
    public void Only_https_addresses_with_a_host_have_an_origin(string address) =>
        Assert.Throws<ArgumentException>(() => LoginStatement.Origin(new Uri(address)));

    [Theory]
    [InlineData("https://ers.example.org:443")] // not normalised: default port named
    [InlineData("https://ERS.example.org")] // not normalised: upper case
    [InlineData("https://ers.example.org/")] // a path
    [InlineData("http://ers.example.org")]
    [InlineData("ers.example.org")]
    [InlineData("")]
    public void A_statement_names_only_a_normalised_https_origin(string origin) =>
        Assert.Throws<ArgumentException>(() => LoginStatement.Build(origin, Workstation, Card, ChallengeId, Nonce));

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void The_nonce_is_exactly_32_bytes(int length) =>
        Assert.Throws<ArgumentException>(() => LoginStatement.Build(Origin, Workstation, Card, ChallengeId, new byte[length]));

    [Theory]
    [InlineData("", Card, ChallengeId)]
    [InlineData(Workstation, "", ChallengeId)]
    [InlineData(Workstation, Card, "")]
    [InlineData("WS\n0001", Card, ChallengeId)]
    public void Ids_are_not_empty_and_carry_no_control_characters(string workstation, string card, string challengeId) =>
        Assert.Throws<ArgumentException>(() => LoginStatement.Build(Origin, workstation, card, challengeId, Nonce));

    [Fact]
    public void An_id_over_255_bytes_is_refused() =>
        Assert.Throws<ArgumentException>(() => LoginStatement.Build(Origin, new string('W', 256), Card, ChallengeId, Nonce));

    [Theory]
    [InlineData("https://ers.example.org:8443/login?ticket=x", true)]
    [InlineData("https://ERS.example.org:8443/login", true)]
    [InlineData("https://ers.example.org/login", false)]
    [InlineData("https://ers.example.org:8444/login", false)]
    [InlineData("http://ers.example.org:8443/login", false)]
    [InlineData("https://ers.example.org.evil.example:8443/login", false)]
    [InlineData("https://ers.example.org:8443@evil.example/login", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("file:///etc/passwd", false)]
    public void A_link_is_on_an_origin_only_when_its_origin_is_that_one(string link, bool on) =>
        Assert.Equal(on, LoginStatement.IsOn(new Uri(link), Origin));
}
