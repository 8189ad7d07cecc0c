using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// A small PNG writer for tests, independent of the code under test (its own bit packing, filters, Adam7 pass
/// split and bit-at-a-time CRC; only zlib comes from the BCL): it writes any colour type, bit depth, tRNS, interlace,
/// filter mix and IDAT split, which PIL cannot. Also the expected decode of what it wrote, by the documented rules.
/// </summary>
internal static class TestPngWriter
{
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static int SamplesPerPixel(int colorType) => colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

    /// <summary>Writes a PNG whose pixels are <paramref name="samples"/> (row-major, samples per pixel interleaved, at <paramref name="depth"/> bits).</summary>
    /// <param name="filterSeed">Row r of pass p uses filter (r + p + seed) mod 5, so every filter appears; -1 = always None.</param>
    /// <param name="idatPieces">How many IDAT chunks the zlib stream is cut into (some may be empty).</param>
    public static byte[] Write(int width, int height, int colorType, int depth, int[] samples, bool interlaced = false,
        byte[]? plte = null, byte[]? trns = null, int idatPieces = 1, int filterSeed = 0,
        IEnumerable<(string Type, byte[] Data)>? extraChunks = null)
    {
        byte[] zdata = Compress(FilteredData(width, height, colorType, depth, samples, interlaced, filterSeed));
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        WriteChunk(ms, "IHDR", ihdr);
        foreach (var (type, data) in extraChunks ?? [])
            WriteChunk(ms, type, data);
        if (plte is not null)
            WriteChunk(ms, "PLTE", plte);
        if (trns is not null)
            WriteChunk(ms, "tRNS", trns);
        for (int i = 0; i < idatPieces; i++)
        {
            int a = (int)((long)zdata.Length * i / idatPieces), b = (int)((long)zdata.Length * (i + 1) / idatPieces);
            WriteChunk(ms, "IDAT", zdata[a..b]);
        }
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    public static byte[] Compress(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(raw);
        return ms.ToArray();
    }

    public static void WriteChunk(Stream s, string type, byte[] data)
    {
        var buf = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        Encoding.ASCII.GetBytes(type, buf.AsSpan(4));
        data.CopyTo(buf, 8);
        BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(8 + data.Length), CodecTestKit.Crc32(buf.AsSpan(4, 4 + data.Length)));
        s.Write(buf);
    }

    /// <summary>The filter-byte-prefixed rows, pass after pass, exactly as they go into zlib.</summary>
    public static byte[] FilteredData(int width, int height, int colorType, int depth, int[] samples, bool interlaced, int filterSeed)
    {
        int spp = SamplesPerPixel(colorType);
        int bpp = Math.Max(1, spp * depth / 8);
        var output = new List<byte>();
        var passes = interlaced ? Adam7 : [(0, 0, 1, 1)];
        for (int p = 0; p < passes.Length; p++)
        {
            var (x0, y0, dx, dy) = passes[p];
            var xs = Enumerable.Range(0, width).Where(x => x >= x0 && (x - x0) % dx == 0).ToArray();
            var ys = Enumerable.Range(0, height).Where(y => y >= y0 && (y - y0) % dy == 0).ToArray();
            if (xs.Length == 0 || ys.Length == 0)
                continue;
            int rowBytes = (xs.Length * spp * depth + 7) / 8;
            var prev = new byte[rowBytes];
            for (int r = 0; r < ys.Length; r++)
            {
                var packed = new byte[rowBytes];
                int bit = 0;
                foreach (int x in xs)
                    for (int c = 0; c < spp; c++)
                    {
                        int s = samples[(ys[r] * width + x) * spp + c];
                        if (depth == 16)
                        {
                            packed[bit / 8] = (byte)(s >> 8);
                            packed[bit / 8 + 1] = (byte)s;
                        }
                        else
                        {
                            packed[bit / 8] |= (byte)(s << (8 - depth - bit % 8));
                        }
                        bit += depth;
                    }
                int filter = filterSeed < 0 ? 0 : (r + p + filterSeed) % 5;
                output.Add((byte)filter);
                for (int i = 0; i < rowBytes; i++)
                {
                    int a = i >= bpp ? packed[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    int predicted = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        _ => PaethSpec(a, b, c),
                    };
                    output.Add(unchecked((byte)(packed[i] - predicted)));
                }
                prev = packed;
            }
        }
        return [.. output];
    }

    // As the PNG specification states it (section 9.4).
    private static int PaethSpec(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
            return a;
        return pb <= pc ? b : c;
    }

    /// <summary>What the decoder should produce for these samples, by the rules PngDecoder documents.</summary>
    public static (PixelFormat Format, byte[] Pixels) Expected(int width, int height, int colorType, int depth, int[] samples, byte[]? plte = null, byte[]? trns = null)
    {
        int max = (1 << depth) - 1, spp = SamplesPerPixel(colorType);
        byte Scale(int v) => (byte)Math.Round(v * 255.0 / max, MidpointRounding.AwayFromZero);
        int[]? key = trns is null || colorType is 3 or 4 or 6 ? null
            : Enumerable.Range(0, trns.Length / 2).Select(i => (trns[2 * i] << 8) | trns[2 * i + 1]).ToArray();
        bool alpha = colorType is 4 or 6 || trns is not null;
        var format = alpha ? PixelFormat.Rgba32 : colorType == 0 ? PixelFormat.Gray8 : PixelFormat.Rgb24;
        int ch = (int)format;
        var px = new byte[width * height * ch];
        for (int i = 0; i < width * height; i++)
        {
            var s = samples.AsSpan(i * spp, spp);
            byte[] rgba = colorType switch
            {
                0 => [Scale(s[0]), Scale(s[0]), Scale(s[0]), key is not null && s[0] == key[0] ? (byte)0 : (byte)255],
                2 => [Scale(s[0]), Scale(s[1]), Scale(s[2]), key is not null && s[0] == key[0] && s[1] == key[1] && s[2] == key[2] ? (byte)0 : (byte)255],
                3 => 3 * s[0] + 2 < plte!.Length
                    ? [plte[3 * s[0]], plte[3 * s[0] + 1], plte[3 * s[0] + 2], trns is not null && s[0] < trns.Length ? trns[s[0]] : (byte)255]
                    : [0, 0, 0, 255],
                4 => [Scale(s[0]), Scale(s[0]), Scale(s[0]), Scale(s[1])],
                _ => [Scale(s[0]), Scale(s[1]), Scale(s[2]), Scale(s[3])],
            };
            if (ch == 1)
                px[i] = rgba[0];
            else
                rgba.AsSpan(0, ch).CopyTo(px.AsSpan(i * ch));
        }
        return (format, px);
    }
}
