namespace Depthwise.Vision.Codecs;

/// <summary>
/// One Huffman decoding table of a JPEG file (ITU T.81 annex C/F), built from the DHT code-length counts and
/// symbols. Codes of up to <see cref="LookaheadBits"/> bits decode with one table lookup; longer codes (rare) use
/// the canonical max-code walk.
/// </summary>
internal sealed class JpegHuffmanTable
{
    /// <summary>Codes of at most this many bits decode through <see cref="Fast"/>.</summary>
    public const int LookaheadBits = 9;

    /// <summary>Indexed by the next <see cref="LookaheadBits"/> bits: (code length &lt;&lt; 8) | symbol, or 0 for a longer code.</summary>
    public readonly ushort[] Fast = new ushort[1 << LookaheadBits];

    /// <summary>
    /// AC tables: indexed like <see cref="Fast"/>, for a code whose symbol (run r, size s) and s magnitude bits all fit
    /// in the lookahead: (value &lt;&lt; 16) | (r &lt;&lt; 8) | (code length + s); 0 otherwise.
    /// </summary>
    public readonly int[] FastAc = new int[1 << LookaheadBits];

    /// <summary>Largest code of each length 1..16 (−1 when none); entry 17 is a sentinel that ends every walk.</summary>
    public readonly int[] MaxCode = new int[18];

    /// <summary>Symbol index of code c of length l is c + ValOffset[l].</summary>
    public readonly int[] ValOffset = new int[17];

    /// <summary>The symbols in code order.</summary>
    public readonly byte[] Symbols = new byte[256];

    private JpegHuffmanTable() { }

    /// <summary>
    /// Builds a table. <paramref name="counts"/> holds the number of codes of each length 1..16 and
    /// <paramref name="symbols"/> their symbols. Rejects tables libjpeg rejects: more than 256 codes, an over-full
    /// (or all-ones) code, a DC symbol above 15.
    /// </summary>
    public static JpegHuffmanTable Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, bool isDc, long offset, string? file)
    {
        if (counts.Length != 16) throw new ArgumentException("16 code-length counts expected", nameof(counts));
        int total = 0;
        foreach (byte c in counts) total += c;
        if (total > 256 || total != symbols.Length)
            throw new ImageFormatException($"Huffman table has {total} codes (at most 256, and as many symbols as codes)", file, offset);
        if (isDc)
        {
            foreach (byte s in symbols)
                if (s > 15) throw new ImageFormatException($"DC Huffman table has symbol {s} (at most 15)", file, offset);
        }

        var t = new JpegHuffmanTable();
        symbols.CopyTo(t.Symbols);
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            if (n > 0)
            {
                t.ValOffset[len] = k - code;
                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (code >= 1 << len)
                        throw new ImageFormatException($"Huffman table is over-full at code length {len}", file, offset);
                    if (len <= LookaheadBits)
                    {
                        int shift = LookaheadBits - len;
                        int first = code << shift;
                        ushort entry = (ushort)((len << 8) | t.Symbols[k]);
                        t.Fast.AsSpan(first, 1 << shift).Fill(entry);
                    }
                }
                t.MaxCode[len] = code - 1;
            }
            else
            {
                t.MaxCode[len] = -1;
            }
            // The next free code must still fit in len bits: no code may be all ones (T.81 C.2; libjpeg enforces it).
            if (code >= 1 << len)
                throw new ImageFormatException($"Huffman table is over-full at code length {len}", file, offset);
            code <<= 1;
        }
        t.MaxCode[17] = int.MaxValue;
        if (!isDc) t.BuildFastAc();
        return t;
    }

    private void BuildFastAc()
    {
        for (int i = 0; i < Fast.Length; i++)
        {
            int e = Fast[i];
            if (e == 0) continue;
            int len = e >> 8, rs = e & 0xFF, run = rs >> 4, size = rs & 15;
            if (size == 0 || len + size > LookaheadBits) continue;
            int bits = (i >> (LookaheadBits - len - size)) & ((1 << size) - 1);
            int value = bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
            FastAc[i] = (value << 16) | (run << 8) | (len + size);
        }
    }

    /// <summary>The default tables of T.81 annex K.3, which libjpeg-turbo loads for Motion-JPEG frames that omit DHT.</summary>
    public static JpegHuffmanTable StandardDc(int index) => index == 0
        ? Build(StdDcLuminanceCounts, StdDcSymbols, true, 0, null)
        : Build(StdDcChrominanceCounts, StdDcSymbols, true, 0, null);

    /// <inheritdoc cref="StandardDc"/>
    public static JpegHuffmanTable StandardAc(int index) => index == 0
        ? Build(StdAcLuminanceCounts, StdAcLuminanceSymbols, false, 0, null)
        : Build(StdAcChrominanceCounts, StdAcChrominanceSymbols, false, 0, null);

    private static ReadOnlySpan<byte> StdDcLuminanceCounts => [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static ReadOnlySpan<byte> StdDcChrominanceCounts => [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    private static ReadOnlySpan<byte> StdDcSymbols => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    private static ReadOnlySpan<byte> StdAcLuminanceCounts => [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
    private static ReadOnlySpan<byte> StdAcChrominanceCounts => [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];

    private static ReadOnlySpan<byte> StdAcLuminanceSymbols =>
    [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
        0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
        0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
        0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
        0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
        0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
        0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
        0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
        0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
        0xf9, 0xfa,
    ];

    private static ReadOnlySpan<byte> StdAcChrominanceSymbols =>
    [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
        0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
        0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
        0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
        0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
        0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
        0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
        0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
        0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
        0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
        0xf9, 0xfa,
    ];
}
