using Ers.Agent.Piv;

namespace Ers.Agent.Tests;

public sealed class BerTlvTests
{
    public static TheoryData<string> HostileInputs => new()
    {
        "53",                 // tag only
        "5F",                 // truncated multi-byte tag
        "5FC1",               // still truncated
        "5FC1C1C101",         // tag longer than 3 bytes
        "5305010203",         // length 5, 3 bytes present
        "5380",               // indefinite length
        "5384FFFFFFFF",       // 4-byte length field
        "5381",               // truncated long length
        "538201",             // truncated 2-byte length
        "5382FFFF00",         // 64 KiB claimed, one byte present
        "5383FFFFFF00",       // 16 MiB claimed
        "530201",             // one byte short
        "7003AABBCC5305",     // a good element then a truncated one
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void Hostile_tlv_is_a_typed_error(string hex)
    {
        var ex = Assert.Throws<PivException>(() => BerTlv.ParseAll(Convert.FromHexString(hex)));
        Assert.True(ex.Error is PivError.MalformedResponse or PivError.ResponseTooLong, ex.Error.ToString());
    }

    [Fact]
    public void Well_formed_tlv_is_read_with_all_length_forms()
    {
        var value = new byte[300];
        value[299] = 0x42;
        byte[] data = [0x70, 0x82, 0x01, 0x2C, .. value, 0x71, 0x81, 0x01, 0x00, 0x5F, 0xC1, 0x02, 0x00, 0xFE, 0x00];
        var elements = BerTlv.ParseAll(data);
        Assert.Equal([0x70, 0x71, 0x5FC102, 0xFE], elements.Select(e => e.Tag));
        Assert.Equal(0x42, elements[0].Value.Span[299]);
        Assert.Equal(1, elements[1].Value.Length);
    }

    [Fact]
    public void Trailing_padding_is_not_a_tag()
    {
        var elements = BerTlv.ParseAll(Convert.FromHexString("3401AA0000FFFF"));
        Assert.Single(elements);
    }

    [Fact]
    public void Random_garbage_never_throws_anything_but_a_piv_error()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 64)];
            random.NextBytes(data);
            try
            {
                BerTlv.ParseAll(data);
            }
            catch (PivException)
            {
                // expected for most inputs
            }
        }
    }
}
