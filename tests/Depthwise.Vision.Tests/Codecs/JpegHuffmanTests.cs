using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>Huffman table construction and the bit reader: canonical codes written by a tiny encoder here decode back.</summary>
public class JpegHuffmanTests
{
    /// <summary>Canonical codes (T.81 C.2) for the counts: (symbol, code, length).</summary>
    private static List<(int Symbol, int Code, int Length)> Codes(byte[] counts, byte[] symbols)
    {
        var list = new List<(int, int, int)>();
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            for (int i = 0; i < counts[len - 1]; i++) list.Add((symbols[k++], code++, len));
            code <<= 1;
        }
        return list;
    }

    /// <summary>Packs bit strings MSB first, pads with ones, stuffs 0x00 after each 0xFF and ends with EOI.</summary>
    private static byte[] Pack(IEnumerable<(int Value, int Length)> bits)
    {
        var bytes = new List<byte>();
        int acc = 0, n = 0;
        void Put(int bit)
        {
            acc = (acc << 1) | bit;
            if (++n == 8)
            {
                bytes.Add((byte)acc);
                if (acc == 0xFF) bytes.Add(0);
                acc = n = 0;
            }
        }
        foreach (var (v, len) in bits)
            for (int i = len - 1; i >= 0; i--) Put((v >> i) & 1);
        while (n != 0) Put(1);
        bytes.Add(0xFF);
        bytes.Add(0xD9);
        return [.. bytes];
    }

    [Fact]
    public void DecodesEveryCodeOfLongTables()
    {
        // A table with codes of every length up to 16 (the long ones go through the slow path).
        byte[] counts = [0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 8];
        var symbols = Enumerable.Range(0, counts.Sum(c => c)).Select(i => (byte)(i * 7 + 3)).ToArray();
        var table = JpegHuffmanTable.Build(counts, symbols, false, 0, null);
        var codes = Codes(counts, symbols);
        var rng = new Random(1);
        var sequence = Enumerable.Range(0, 3000).Select(_ => codes[rng.Next(codes.Count)]).ToList();
        // Each symbol followed by 5 raw bits (a magnitude), like real entropy data.
        var data = Pack(sequence.SelectMany(c => new[] { (c.Code, c.Length), (c.Symbol & 31, 5) }));
        var br = new JpegBitReader(data, 0);
        foreach (var c in sequence)
        {
            Assert.Equal(c.Symbol, br.DecodeHuffman(table));
            Assert.Equal(c.Symbol & 31, br.GetBits(5));
        }
        Assert.False(br.Insufficient);
        Assert.Equal(0, br.Warnings);
        Assert.Equal(data.Length - 2, br.Position); // stopped at EOI
    }

    [Fact]
    public void ReceiveExtendSignExtends()
    {
        // Category 3: 000 → −7, 011 → −4, 100 → 4, 111 → 7.
        var br = new JpegBitReader(Pack([(0b000, 3), (0b011, 3), (0b100, 3), (0b111, 3)]), 0);
        Assert.Equal(-7, br.ReceiveExtend(3));
        Assert.Equal(-4, br.ReceiveExtend(3));
        Assert.Equal(4, br.ReceiveExtend(3));
        Assert.Equal(7, br.ReceiveExtend(3));
    }

    [Fact]
    public void RunningOutSetsInsufficientAndReadsZeros()
    {
        var br = new JpegBitReader(new byte[] { 0xAB, 0xFF, 0xD9 }, 0);
        Assert.Equal(0xAB, br.GetBits(8));
        Assert.False(br.Insufficient);
        Assert.Equal(0, br.GetBits(4));
        Assert.True(br.Insufficient);
        Assert.Equal(1, br.Position);
    }

    [Fact]
    public void RejectsOverfullAndOversizedTables()
    {
        byte[] three1 = [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Throws<ImageFormatException>(() => JpegHuffmanTable.Build(three1, [1, 2, 3], false, 0, null));
        // Two 1-bit codes use the all-ones code "1": refused like libjpeg does.
        byte[] two1 = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Throws<ImageFormatException>(() => JpegHuffmanTable.Build(two1, [1, 2], false, 0, null));
        byte[] dc = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Throws<ImageFormatException>(() => JpegHuffmanTable.Build(dc, [16], true, 0, null));
        Assert.NotNull(JpegHuffmanTable.Build(dc, [16], false, 0, null));
        // An empty table is legal (a scan that never uses it).
        Assert.NotNull(JpegHuffmanTable.Build(new byte[16], [], false, 0, null));
    }

    [Fact]
    public void AnInvalidCodeDecodesAsZeroWithAWarning()
    {
        // One code "0" of length 1: any code starting with 1 is invalid.
        byte[] counts = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var table = JpegHuffmanTable.Build(counts, [9], false, 0, null);
        var br = new JpegBitReader(new byte[] { 0x7F, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0xD9 }, 0);
        Assert.Equal(9, br.DecodeHuffman(table));
        Assert.Equal(0, br.DecodeHuffman(table));
        Assert.Equal(1, br.Warnings);
    }
}
