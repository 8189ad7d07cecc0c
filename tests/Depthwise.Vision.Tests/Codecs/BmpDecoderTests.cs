using System.Buffers.Binary;
using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

public class BmpDecoderTests
{
    /// <summary>Builds a BMP file around the given header fields and raw pixel bytes (written independently of the decoder).</summary>
    internal static byte[] Bmp(int width, int height, int bitCount, uint compression, byte[] pixels, byte[]? palette = null,
        int headerSize = 40, uint[]? masks = null, uint colorsUsed = 0)
    {
        palette ??= [];
        bool masksAfterHeader = masks is not null && headerSize == 40;
        int offset = 14 + headerSize + (masksAfterHeader ? 4 * masks!.Length : 0) + palette.Length;
        var f = new byte[offset + pixels.Length];
        f[0] = (byte)'B';
        f[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(2), f.Length);
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(10), offset);
        var h = f.AsSpan(14, headerSize);
        BinaryPrimitives.WriteInt32LittleEndian(h, headerSize);
        if (headerSize == 12)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)width);
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)height);
            BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(h[10..], (ushort)bitCount);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(h[4..], width);
            BinaryPrimitives.WriteInt32LittleEndian(h[8..], height);
            BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(h[14..], (ushort)bitCount);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], compression);
            BinaryPrimitives.WriteInt32LittleEndian(h[20..], pixels.Length);
            BinaryPrimitives.WriteInt32LittleEndian(h[24..], 2835);
            BinaryPrimitives.WriteInt32LittleEndian(h[28..], 2835);
            BinaryPrimitives.WriteUInt32LittleEndian(h[32..], colorsUsed);
            if (masks is not null && headerSize >= 52)
                for (int i = 0; i < masks.Length && 40 + 4 * i + 4 <= headerSize; i++)
                    BinaryPrimitives.WriteUInt32LittleEndian(h[(40 + 4 * i)..], masks[i]);
            if (headerSize >= 108)
                "BGRs"u8.CopyTo(h[56..]); // LCS_sRGB
        }
        int at = 14 + headerSize;
        if (masksAfterHeader)
            foreach (uint m in masks!)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(at), m);
                at += 4;
            }
        palette.CopyTo(f, at);
        pixels.CopyTo(f, offset);
        return f;
    }

    /// <summary>Packs pixel values into BMP rows (4-byte aligned, bottom-up unless <paramref name="topDown"/>); 24-bit values are 0xRRGGBB.</summary>
    internal static byte[] Rows(int w, int h, int bitCount, Func<int, int, uint> value, bool topDown = false)
    {
        int stride = (bitCount * w + 31) / 32 * 4;
        var data = new byte[stride * h];
        for (int r = 0; r < h; r++)
        {
            int y = topDown ? r : h - 1 - r;
            var row = data.AsSpan(r * stride, stride);
            for (int x = 0; x < w; x++)
            {
                uint v = value(x, y);
                switch (bitCount)
                {
                    case < 8:
                        row[x * bitCount / 8] |= (byte)(v << (8 - bitCount - x * bitCount % 8));
                        break;
                    case 8: row[x] = (byte)v; break;
                    case 16: BinaryPrimitives.WriteUInt16LittleEndian(row[(2 * x)..], (ushort)v); break;
                    case 24:
                        row[3 * x] = (byte)v;
                        row[3 * x + 1] = (byte)(v >> 8);
                        row[3 * x + 2] = (byte)(v >> 16);
                        break;
                    default: BinaryPrimitives.WriteUInt32LittleEndian(row[(4 * x)..], v); break;
                }
            }
        }
        return data;
    }

    private static byte[] RandomPalette(Random rng, int colors, int entry = 4)
    {
        var p = new byte[colors * entry];
        rng.NextBytes(p);
        return p;
    }

    private static byte[] ExpectedFromPalette(int w, int h, byte[] palette, int entry, Func<int, int, uint> index)
    {
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (int)index(x, y), o = (y * w + x) * 3;
                bool inPalette = (i + 1) * entry <= palette.Length;
                px[o] = inPalette ? palette[i * entry + 2] : (byte)0;
                px[o + 1] = inPalette ? palette[i * entry + 1] : (byte)0;
                px[o + 2] = inPalette ? palette[i * entry] : (byte)0;
            }
        return px;
    }

    private static byte Scale(uint v, int bits) => (byte)Math.Round(v * 255.0 / ((1 << bits) - 1), MidpointRounding.AwayFromZero);

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(4, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    [InlineData(8, true)]
    public void PaletteImagesDecode(int bitCount, bool topDown)
    {
        var rng = new Random(bitCount);
        foreach (int w in new[] { 1, 5, 13, 33 })
        {
            int h = 7, colors = 1 << bitCount;
            var palette = RandomPalette(rng, colors);
            var idx = new uint[w * h];
            for (int i = 0; i < idx.Length; i++)
                idx[i] = (uint)rng.Next(colors);
            var file = Bmp(w, topDown ? -h : h, bitCount, 0, Rows(w, h, bitCount, (x, y) => idx[y * w + x], topDown), palette);
            var img = BmpDecoder.Decode(file);
            Assert.Equal(PixelFormat.Rgb24, img.Format);
            Assert.Equal(ExpectedFromPalette(w, h, palette, 4, (x, y) => idx[y * w + x]), img.Pixels);
        }
    }

    [Fact]
    public void ShortPaletteAndOutOfRangeIndexGiveBlack()
    {
        var palette = new byte[] { 1, 2, 3, 0, 4, 5, 6, 0 }; // two colours declared by biClrUsed
        var file = Bmp(4, 1, 8, 0, Rows(4, 1, 8, (x, _) => (uint)x), palette, colorsUsed: 2);
        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4, 0, 0, 0, 0, 0, 0 }, BmpDecoder.Decode(file).Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwentyFourBitWithRowPadding(bool topDown)
    {
        var rng = new Random(3);
        int w = 7, h = 5;
        var rgb = new uint[w * h];
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (uint)rng.Next(1 << 24);
        var img = BmpDecoder.Decode(Bmp(w, topDown ? -h : h, 24, 0, Rows(w, h, 24, (x, y) => rgb[y * w + x], topDown)));
        Assert.Equal(PixelFormat.Rgb24, img.Format);
        for (int i = 0; i < rgb.Length; i++)
            Assert.Equal(new[] { (byte)(rgb[i] >> 16), (byte)(rgb[i] >> 8), (byte)rgb[i] }, img.Pixels[(3 * i)..(3 * i + 3)]);
    }

    [Fact]
    public void SixteenBit555And565()
    {
        int w = 5, h = 3;
        var rng = new Random(4);
        var v = Enumerable.Range(0, w * h).Select(_ => (uint)rng.Next(1 << 16)).ToArray();
        var img555 = BmpDecoder.Decode(Bmp(w, h, 16, 0, Rows(w, h, 16, (x, y) => v[y * w + x])));
        var img565 = BmpDecoder.Decode(Bmp(w, h, 16, 3, Rows(w, h, 16, (x, y) => v[y * w + x]), masks: [0xF800, 0x07E0, 0x001F]));
        var img565v3 = BmpDecoder.Decode(Bmp(w, h, 16, 3, Rows(w, h, 16, (x, y) => v[y * w + x]), headerSize: 56, masks: [0xF800, 0x07E0, 0x001F, 0]));
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal(new[] { Scale((v[i] >> 10) & 31, 5), Scale((v[i] >> 5) & 31, 5), Scale(v[i] & 31, 5) }, img555.Pixels[(3 * i)..(3 * i + 3)]);
            Assert.Equal(new[] { Scale(v[i] >> 11, 5), Scale((v[i] >> 5) & 63, 6), Scale(v[i] & 31, 5) }, img565.Pixels[(3 * i)..(3 * i + 3)]);
        }
        Assert.Equal(img565.Pixels, img565v3.Pixels);
        Assert.Equal(PixelFormat.Rgb24, img565.Format);
    }

    [Fact]
    public void ThirtyTwoBitRgbIgnoresTheFourthByteAndBitfieldsCarryAlpha()
    {
        int w = 3, h = 2;
        var rng = new Random(5);
        var v = Enumerable.Range(0, w * h).Select(_ => (uint)rng.NextInt64(1L << 32)).ToArray();
        var rgb = BmpDecoder.Decode(Bmp(w, h, 32, 0, Rows(w, h, 32, (x, y) => v[y * w + x])));
        Assert.Equal(PixelFormat.Rgb24, rgb.Format);
        var bgra = BmpDecoder.Decode(Bmp(w, h, 32, 3, Rows(w, h, 32, (x, y) => v[y * w + x]), headerSize: 124, masks: [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000]));
        var alphaBitfields = BmpDecoder.Decode(Bmp(w, h, 32, 6, Rows(w, h, 32, (x, y) => v[y * w + x]), masks: [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000]));
        Assert.Equal(PixelFormat.Rgba32, bgra.Format);
        // 10-10-10 with a 2-bit alpha: every field scales to 8 bits.
        var rgb10 = BmpDecoder.Decode(Bmp(w, h, 32, 3, Rows(w, h, 32, (x, y) => v[y * w + x]), headerSize: 108, masks: [0x3FF00000, 0x000FFC00, 0x000003FF, 0xC0000000]));
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal(new[] { (byte)(v[i] >> 16), (byte)(v[i] >> 8), (byte)v[i] }, rgb.Pixels[(3 * i)..(3 * i + 3)]);
            Assert.Equal(new[] { (byte)(v[i] >> 16), (byte)(v[i] >> 8), (byte)v[i], (byte)(v[i] >> 24) }, bgra.Pixels[(4 * i)..(4 * i + 4)]);
            Assert.Equal(new[] { Scale((v[i] >> 20) & 1023, 10), Scale((v[i] >> 10) & 1023, 10), Scale(v[i] & 1023, 10), Scale(v[i] >> 30, 2) }, rgb10.Pixels[(4 * i)..(4 * i + 4)]);
        }
        Assert.Equal(bgra.Pixels, alphaBitfields.Pixels);
    }

    [Fact]
    public void CoreHeaderWithThreeBytePalette()
    {
        var rng = new Random(6);
        var palette = RandomPalette(rng, 16, entry: 3);
        int w = 9, h = 4;
        var file = Bmp(w, h, 4, 0, Rows(w, h, 4, (x, y) => (uint)((x + y) % 16)), palette, headerSize: 12);
        Assert.Equal(ExpectedFromPalette(w, h, palette, 3, (x, y) => (uint)((x + y) % 16)), BmpDecoder.Decode(file).Pixels);
        var rgb = BmpDecoder.Decode(Bmp(2, 1, 24, 0, Rows(2, 1, 24, (x, _) => x == 0 ? 0x102030u : 0x405060u), headerSize: 12));
        Assert.Equal(new byte[] { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60 }, rgb.Pixels);
    }

    internal static (byte[] File, byte[] Expected) Rle8Sample()
    {
        var palette = RandomPalette(new Random(7), 256);
        byte[] data =
        [
            3, 5, 0, 3, 7, 8, 9, 0, 0, 0,  // bottom row: 3 × colour 5, absolute 7 8 9 (+ pad), end of line
            0, 2, 2, 1,                    // delta: right 2, up 1 (the middle row stays colour 0)
            2, 4, 0, 0, 0, 1,              // top row from x = 2: 2 × colour 4, end of line, end of bitmap
        ];
        int[] idx = [0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 7, 8, 9];
        return (Bmp(6, 3, 8, 1, data, palette), ExpectedFromPalette(6, 3, palette, 4, (x, y) => (uint)idx[y * 6 + x]));
    }

    internal static (byte[] File, byte[] Expected) Rle4Sample()
    {
        var palette = RandomPalette(new Random(8), 16);
        byte[] data =
        [
            4, 0x12, 0, 3, 0x34, 0x50, 0, 0, // bottom row: 1 2 1 2, absolute 3 4 5, end of line
            3, 0x6F, 0, 0, 0, 1,             // top row: 6 15 6, end of line, end of bitmap
        ];
        int[] idx = [6, 15, 6, 0, 0, 0, 0, 1, 2, 1, 2, 3, 4, 5];
        return (Bmp(7, 2, 4, 2, data, palette), ExpectedFromPalette(7, 2, palette, 4, (x, y) => (uint)idx[y * 7 + x]));
    }

    [Fact]
    public void RunLengthEncodedImagesDecode()
    {
        var (rle8, expected8) = Rle8Sample();
        Assert.Equal(expected8, BmpDecoder.Decode(rle8).Pixels);
        var (rle4, expected4) = Rle4Sample();
        Assert.Equal(expected4, BmpDecoder.Decode(rle4).Pixels);
        // A run past the end of the row is clipped; the data may end without an end-of-bitmap code.
        var clipped = BmpDecoder.Decode(Bmp(2, 1, 8, 1, [5, 1], RandomPalette(new Random(9), 2), colorsUsed: 2));
        Assert.Equal(clipped.Pixels[..3], clipped.Pixels[3..]);
        // Data cut inside an absolute run is an error.
        Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(6, 1, 8, 1, [0, 5, 1, 2], RandomPalette(new Random(9), 2), colorsUsed: 2)));
    }

    [Fact]
    public void MalformedFilesAreErrors()
    {
        var good = Bmp(4, 4, 24, 0, Rows(4, 4, 24, (x, y) => (uint)(x * y)));
        Assert.Contains("truncated", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(good.AsSpan(0, good.Length - 1), file: "a.bmp")).Message);
        for (int len = 0; len < good.Length; len += 3)
            Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(good.AsSpan(0, len)));
        var header20 = Bmp(4, 4, 24, 0, new byte[64]);
        header20[14] = 20;
        Assert.Contains("header size 20", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(header20)).Message);
        Assert.Contains("JPEG", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(4, 4, 24, 4, new byte[64]))).Message);
        Assert.Contains("not supported", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(4, 4, 64, 0, new byte[128]))).Message);
        Assert.Contains("unknown BMP compression", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(4, 4, 24, 9, new byte[64]))).Message);
        Assert.Contains("contiguous", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(1, 1, 16, 3, new byte[4], masks: [0xF00F, 0x0F00, 0x00F0]))).Message);
        Assert.Contains("top-down", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(2, -2, 8, 1, [0, 1], new byte[8]))).Message);
        Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(0, 4, 24, 0, new byte[64])));
        Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(4, int.MinValue, 24, 0, new byte[64])));
    }

    [Fact]
    public void HugeDimensionsAreRefusedBeforeAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(200_000, 100_000, 24, 0, new byte[64]))).Message);
        Assert.Contains("truncated", Assert.Throws<ImageFormatException>(() => BmpDecoder.Decode(Bmp(9000, 9000, 24, 0, new byte[64]))).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the decoder allocated for an image it refused");
    }

    [SkippableFact]
    public void SharedBmpsMatchPil()
    {
        CodecTestKit.RequireShared();
        CodecTestKit.RequirePil();
        var files = CodecTestKit.SharedImages(".bmp");
        Assert.NotEmpty(files);
        var pil = CodecTestKit.PilDecode(files);
        for (int i = 0; i < files.Count; i++)
            CodecTestKit.AssertSameAsPil(BmpDecoder.Decode(File.ReadAllBytes(files[i]), file: files[i]), pil[i], files[i]);
    }

    [SkippableFact]
    public void SyntheticBmpsMatchPil()
    {
        // 16-bit and scaled bit fields are left out: PIL truncates where we round.
        CodecTestKit.RequirePil();
        var rng = new Random(10);
        var files = new List<(string Name, byte[] Data)>();
        foreach (int bits in new[] { 1, 4, 8 })
            files.Add(($"p{bits}", Bmp(11, 6, bits, 0, Rows(11, 6, bits, (x, y) => (uint)rng.Next(1 << bits)), RandomPalette(rng, 1 << bits))));
        files.Add(("rgb24", Bmp(11, -6, 24, 0, Rows(11, 6, 24, (x, y) => (uint)rng.Next(1 << 24), topDown: true))));
        files.Add(("rgb32", Bmp(5, 6, 32, 0, Rows(5, 6, 32, (x, y) => (uint)rng.NextInt64(1L << 32)))));
        files.Add(("bgra", Bmp(5, 6, 32, 3, Rows(5, 6, 32, (x, y) => (uint)rng.NextInt64(1L << 32)), headerSize: 124, masks: [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000])));
        files.Add(("core", Bmp(9, 4, 8, 0, Rows(9, 4, 8, (x, y) => (uint)rng.Next(256)), RandomPalette(rng, 256, 3), headerSize: 12)));
        // Pillow 9.4 misreads RLE delta codes (it consumes four bytes) and odd-length RLE4 absolute runs, so the
        // samples above stay with their exact expectations and these avoid both.
        files.Add(("rle8", Bmp(6, 2, 8, 1, [3, 5, 0, 3, 7, 8, 9, 0, 0, 0, 6, 2, 0, 0, 0, 1], RandomPalette(rng, 256))));
        files.Add(("rle4", Bmp(6, 2, 4, 2, [2, 0x12, 0, 4, 0x34, 0x56, 0, 0, 6, 0xAB, 0, 0, 0, 1], RandomPalette(rng, 16))));
        var dir = Directory.CreateTempSubdirectory("dw-bmp-");
        try
        {
            var paths = files.Select(f => Path.Combine(dir.FullName, f.Name + ".bmp")).ToList();
            for (int i = 0; i < files.Count; i++)
                File.WriteAllBytes(paths[i], files[i].Data);
            var pil = CodecTestKit.PilDecode(paths);
            for (int i = 0; i < files.Count; i++)
                CodecTestKit.AssertSameAsPil(BmpDecoder.Decode(files[i].Data), pil[i], files[i].Name);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
