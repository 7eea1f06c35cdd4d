using Ers.Agent.Piv;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// RESET RETRY COUNTER (NIST SP 800-73-4 part 2 §3.2.3) on the virtual card, byte by byte, and the agent's
/// <see cref="PivCard.ResetRetryCounterAsync"/> against it: the PUK (key reference 81) has its own counter, a right
/// PUK sets the new PIN and gives the PIN its tries back, a blocked PUK changes nothing.
/// </summary>
public sealed class ResetRetryCounterTests
{
    private const string Puk = "87654321";
    private static readonly byte[] Select = Convert.FromHexString("00A4040009A00000030800001000");

    private static VirtualPivCard BlockedCard(List<CardMemory>? saved = null)
    {
        var options = VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Unblock Test", ecc: true));
        var card = new VirtualPivCard(new VirtualCardOptions
        {
            Certificate = options.Certificate,
            PrivateKey = options.PrivateKey,
            Pin = "123456",
            Puk = Puk,
            PinTriesLeft = 0,
            MemoryChanged = saved is null ? null : saved.Add,
        });
        Assert.EndsWith("9000", Hex(card.Process(Select)), StringComparison.Ordinal);
        return card;
    }

    /// <summary><c>00 2C 00 80 10</c>, the PUK and the new PIN each padded with FF to 8 bytes.</summary>
    private static byte[] Reset(string puk, string newPin, int p2 = 0x80)
    {
        byte[] apdu = [0x00, 0x2C, 0x00, (byte)p2, 0x10, .. Enumerable.Repeat((byte)0xFF, 16)];
        System.Text.Encoding.ASCII.GetBytes(puk).CopyTo(apdu, 5);
        System.Text.Encoding.ASCII.GetBytes(newPin).CopyTo(apdu, 13);
        return apdu;
    }

    private static byte[] Verify(string pin)
    {
        byte[] apdu = [0x00, 0x20, 0x00, 0x80, 0x08, .. Enumerable.Repeat((byte)0xFF, 8)];
        System.Text.Encoding.ASCII.GetBytes(pin).CopyTo(apdu, 5);
        return apdu;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    [Fact]
    public void The_right_puk_sets_the_new_pin_and_gives_back_every_try()
    {
        var saved = new List<CardMemory>();
        var card = BlockedCard(saved);
        Assert.Equal("6983", Hex(card.Process(Verify("123456"))));

        Assert.Equal("9000", Hex(card.Process(Reset(Puk, "24681357"))));

        Assert.Equal((VirtualPivCard.MaxPinTries, VirtualPivCard.MaxPukTries), (card.PinTriesLeft, card.PukTriesLeft));
        Assert.False(card.PinVerified); // a reset verifies nothing: the new PIN is presented at the next login
        Assert.Equal("63C2", Hex(card.Process(Verify("123456")))); // the old PIN is wrong now
        Assert.Equal("9000", Hex(card.Process(Verify("24681357"))));
        var memory = saved[0];
        Assert.Equal((3, 3, "24681357"), (memory.PinTriesLeft, memory.PukTriesLeft, System.Text.Encoding.ASCII.GetString(memory.Pin)));
    }

    [Fact]
    public void A_wrong_puk_costs_one_of_its_own_tries_and_three_block_it()
    {
        var card = BlockedCard();

        Assert.Equal("63C2", Hex(card.Process(Reset("11111111", "654321"))));
        Assert.Equal("63C1", Hex(card.Process(Reset("11111111", "654321"))));
        Assert.Equal("63C0", Hex(card.Process(Reset("11111111", "654321"))));

        Assert.Equal((0, 0), (card.PinTriesLeft, card.PukTriesLeft));
        // Blocked: even the right PUK changes nothing now, and the old PIN stays blocked.
        Assert.Equal("6983", Hex(card.Process(Reset(Puk, "654321"))));
        Assert.Equal("6983", Hex(card.Process(Verify("654321"))));
        Assert.Equal(0, card.PinTriesLeft);
    }

    [Fact]
    public void A_right_puk_after_a_wrong_one_gives_the_puk_its_tries_back()
    {
        var card = BlockedCard();
        Assert.Equal("63C2", Hex(card.Process(Reset("11111111", "654321"))));

        Assert.Equal("9000", Hex(card.Process(Reset(Puk, "654321"))));

        Assert.Equal(VirtualPivCard.MaxPukTries, card.PukTriesLeft);
    }

    public static TheoryData<string, string> BadCommands => new()
    {
        { "002C0080" + "08" + "3837363534333231", "6700" },                           // PUK only: Lc 8
        { "002C0080" + "11" + "3837363534333231363534333231FFFFFF" + "00", "6700" },   // 17 bytes
        { "002C0080", "6700" },                                                      // no data at all
        { "002C0081" + "10" + "3837363534333231363534333231FFFF", "6A88" },           // key reference 81 as P2
        { "002C0180" + "10" + "3837363534333231363534333231FFFF", "6A88" },           // P1 not 00
        { "002C0080" + "10" + "38373635343332313635FFFFFFFFFFFF", "6A80" },           // new PIN of 2 digits
        { "002C0080" + "10" + "3837363534333231363534333241FFFF", "6A80" },           // new PIN not digits
        { "002C0080" + "10" + "3837363534333231363534333231FF31", "6A80" },           // a digit after the padding
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void Badly_formed_commands_are_refused_and_cost_no_puk_try(string apdu, string status)
    {
        var card = BlockedCard();

        var answer = Hex(card.Process(Convert.FromHexString(apdu)));

        Assert.Equal(status, answer);
        Assert.Equal((0, VirtualPivCard.MaxPukTries), (card.PinTriesLeft, card.PukTriesLeft));
    }

    [Fact]
    public void A_state_file_of_one_number_from_before_the_puk_still_loads_and_a_new_one_keeps_all_three()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "1\n");
            var old = CardMemory.Load(path, "123456")!;
            Assert.Equal((1, VirtualPivCard.MaxPukTries, "123456"), (old.PinTriesLeft, old.PukTriesLeft, System.Text.Encoding.ASCII.GetString(old.Pin)));

            File.Delete(path); // made by the card program itself, readable by its owner only
            new CardMemory(3, 2, "24681357"u8.ToArray()).Save(path);
            var saved = CardMemory.Load(path, "123456")!;
            Assert.Equal((3, 2, "24681357"), (saved.PinTriesLeft, saved.PukTriesLeft, System.Text.Encoding.ASCII.GetString(saved.Pin)));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
            File.WriteAllText(path, "7\n");
            Assert.Null(CardMemory.Load(path, "123456")); // nonsense: the card starts fresh
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_card_without_its_application_selected_refuses_the_reset()
    {
        var options = VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Unblock Test", ecc: true));
        var card = new VirtualPivCard(options);
        Assert.Equal("6985", Hex(card.Process(Reset(VirtualCardOptions.DefaultPuk, "654321"))));
    }

    [Fact]
    public async Task The_agent_sends_the_padded_puk_and_new_pin_and_reads_the_puks_answer()
    {
        var card = BlockedCard();
        var piv = new PivCard(new DirectCard(card));

        Assert.Equal(new PinStatus(PinState.NotVerified, 2), await piv.ResetRetryCounterAsync("11111111".ToCharArray(), "654321".ToCharArray(), default));
        Assert.Equal(new PinStatus(PinState.Verified, -1), await piv.ResetRetryCounterAsync(Puk.ToCharArray(), "654321".ToCharArray(), default));
        Assert.Equal(PinState.Verified, (await piv.VerifyPinAsync("654321".ToCharArray(), default)).State);
    }

    [Fact]
    public async Task The_agent_puts_the_command_together_byte_by_byte()
    {
        var scripted = new ScriptedCard([0x90, 0x00]);

        await new PivCard(scripted).ResetRetryCounterAsync("12345678".ToCharArray(), "654321".ToCharArray(), default);

        Assert.Equal("002C0080103132333435363738363534333231FFFF", Hex(scripted.Sent[0]));
    }

    [Theory]
    [InlineData("1234567", "123456789")] // new PIN too long
    [InlineData("12345", "654321")]      // PUK too short
    [InlineData("1234 678", "654321")]   // a space in the PUK
    [InlineData("12345678", "65432a")]   // new PIN not digits
    public async Task Badly_shaped_puk_or_new_pin_never_reaches_the_card(string puk, string newPin)
    {
        var scripted = new ScriptedCard([0x90, 0x00]);

        var ex = await Assert.ThrowsAsync<PivException>(() => new PivCard(scripted).ResetRetryCounterAsync(puk.ToCharArray(), newPin.ToCharArray(), default));

        Assert.Equal(PivError.PukFormat, ex.Error);
        Assert.Empty(scripted.Sent);
    }

    [Theory]
    [InlineData("63C1", PinState.NotVerified, 1)]
    [InlineData("63C0", PinState.Blocked, 0)]
    [InlineData("6983", PinState.Blocked, 0)]
    [InlineData("9000", PinState.Verified, -1)]
    public async Task The_cards_answers_map_to_the_puks_state(string sw, PinState state, int tries)
    {
        var status = await new PivCard(new ScriptedCard(Convert.FromHexString(sw))).ResetRetryCounterAsync("12345678".ToCharArray(), "654321".ToCharArray(), default);
        Assert.Equal(new PinStatus(state, tries), status);
    }
}
