namespace Depthwise.Vision.Codecs;

/// <summary>
/// The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320, initial value and final xor
/// 0xFFFFFFFF — the same CRC as zlib's <c>crc32</c>). Table-driven, one byte at a time, with the table built once:
/// System.IO.Hashing is not part of the BCL, and chunk CRCs are a small share of decode time.
/// </summary>
internal static class PngCrc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/> (a chunk's type and data bytes).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The register value before any byte.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running CRC register (begin with <see cref="Start"/>).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        foreach (byte b in data)
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>The CRC value from a running register.</summary>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
