namespace Ers.Agent.Piv;

/// <summary>
/// A strict BER-TLV reader for card answers. Card data is hostile input: every length is checked against what is
/// really there, indefinite and over-long length forms are refused, and failures are <see cref="PivException"/>s.
/// </summary>
public static class BerTlv
{
    /// <summary>No PIV object is bigger than this; longer lengths are refused before anything is allocated.</summary>
    public const int MaxLength = 0xFFFF;

    /// <summary>Reads every element at this level.</summary>
    public static List<TlvElement> ParseAll(ReadOnlyMemory<byte> data)
    {
        var elements = new List<TlvElement>();
        var offset = 0;
        while (offset < data.Length)
        {
            // Some cards pad objects with 00 or FF after the last element: padding, not a tag.
            if (data.Span[offset] is 0x00 or 0xFF && data.Span[offset..].IndexOfAnyExcept((byte)0x00, (byte)0xFF) < 0)
            {
                break;
            }
            elements.Add(Read(data, ref offset));
        }
        return elements;
    }

    /// <summary>Reads exactly one element that must fill <paramref name="data"/> (trailing padding allowed).</summary>
    public static TlvElement ParseSingle(ReadOnlyMemory<byte> data, int expectedTag)
    {
        var offset = 0;
        var element = Read(data, ref offset);
        if (element.Tag != expectedTag)
        {
            throw Malformed($"expected tag {expectedTag:X2}, found {element.Tag:X2}");
        }
        return element;
    }

    /// <summary>The value of the first child with <paramref name="tag"/>, or null.</summary>
    public static ReadOnlyMemory<byte>? Find(IEnumerable<TlvElement> elements, int tag)
    {
        foreach (var element in elements)
        {
            if (element.Tag == tag)
            {
                return element.Value;
            }
        }
        return null;
    }

    private static TlvElement Read(ReadOnlyMemory<byte> data, ref int offset)
    {
        var span = data.Span;
        if (offset >= span.Length)
        {
            throw Malformed("missing tag");
        }
        int tag = span[offset++];
        if ((tag & 0x1F) == 0x1F)
        {
            for (var i = 0; ; i++)
            {
                if (i == 2)
                {
                    throw Malformed("tag longer than 3 bytes");
                }
                if (offset >= span.Length)
                {
                    throw Malformed("truncated tag");
                }
                var next = span[offset++];
                tag = (tag << 8) | next;
                if ((next & 0x80) == 0)
                {
                    break;
                }
            }
        }
        if (offset >= span.Length)
        {
            throw Malformed("missing length");
        }
        int first = span[offset++];
        int length;
        if (first < 0x80)
        {
            length = first;
        }
        else
        {
            var count = first & 0x7F;
            if (count is 0 or > 3)
            {
                throw Malformed(count == 0 ? "indefinite length" : "length field too long");
            }
            if (span.Length - offset < count)
            {
                throw Malformed("truncated length");
            }
            length = 0;
            for (var i = 0; i < count; i++)
            {
                length = (length << 8) | span[offset++];
            }
            if (length > MaxLength)
            {
                throw new PivException(PivError.ResponseTooLong, $"The card claims an element of {length} bytes.");
            }
        }
        if (span.Length - offset < length)
        {
            throw Malformed($"element {tag:X2} claims {length} bytes, {span.Length - offset} present");
        }
        var value = data.Slice(offset, length);
        offset += length;
        return new TlvElement(tag, value);
    }

    private static PivException Malformed(string what) =>
        new(PivError.MalformedResponse, $"The card's answer is malformed: {what}.");
}
