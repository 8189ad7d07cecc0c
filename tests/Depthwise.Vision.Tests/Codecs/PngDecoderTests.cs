using System.Buffers.Binary;
using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

public class PngDecoderTests
{
    public static TheoryData<int, int> ColorTypesAndDepths() => new()
    {
        { 0, 1 }, { 0, 2 }, { 0, 4 }, { 0, 8 }, { 0, 16 },
        { 2, 8 }, { 2, 16 },
        { 3, 1 }, { 3, 2 }, { 3, 4 }, { 3, 8 },
        { 4, 8 }, { 4, 16 },
        { 6, 8 }, { 6, 16 },
    };

    // Widths around the Adam7 steps (1 leaves passes empty, 33 crosses a byte boundary at every depth).
    private static readonly (int W, int H)[] Sizes = [(1, 1), (3, 2), (7, 5), (9, 9), (13, 11), (33, 6)];

    private static int[] RandomSamples(Random rng, int count, int max) => Enumerable.Range(0, count).Select(_ => rng.Next(max + 1)).ToArray();

    private static byte[] RandomPalette(Random rng, int colors)
    {
        var p = new byte[3 * colors];
        rng.NextBytes(p);
        return p;
    }

    [Theory]
    [MemberData(nameof(ColorTypesAndDepths))]
    public void EveryColorTypeAndDepthDecodesExactly(int colorType, int depth)
    {
        var rng = new Random(colorType * 100 + depth);
        foreach (bool interlaced in new[] { false, true })
            foreach (var (w, h) in Sizes)
            {
                int spp = TestPngWriter.SamplesPerPixel(colorType);
                int max = colorType == 3 ? Math.Min((1 << depth) - 1, 200) : (1 << depth) - 1;
                var samples = RandomSamples(rng, w * h * spp, max);
                var plte = colorType == 3 ? RandomPalette(rng, max + 1) : null;
                var png = TestPngWriter.Write(w, h, colorType, depth, samples, interlaced, plte, filterSeed: w + h);
                var (format, expected) = TestPngWriter.Expected(w, h, colorType, depth, samples, plte);
                var img = PngDecoder.Decode(png);
                string what = $"type {colorType} depth {depth} {w}x{h} interlaced={interlaced}";
                Assert.True(format == img.Format, $"{what}: format {img.Format}, expected {format}");
                Assert.True(expected.AsSpan().SequenceEqual(img.Pixels), what);
            }
    }

    [Fact]
    public void SixteenBitSamplesRoundToNearest()
    {
        // 128 → 0 and 129 → 1 (128/257 < 0.5 < 129/257); 65535 → 255; the high byte alone would give 0 for 0x00FF.
        int[] samples = [0, 128, 129, 0x00FF, 0x7F80, 0x8080, 0xFF00, 0xFFFF];
        var img = PngDecoder.Decode(TestPngWriter.Write(8, 1, 0, 16, samples));
        Assert.Equal(new byte[] { 0, 0, 1, 1, 127, 128, 254, 255 }, img.Pixels);
    }

    [Fact]
    public void PaletteTransparencyGivesRgbaAndShortTrnsMeansOpaque()
    {
        var plte = new byte[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120 };
        var trns = new byte[] { 0, 128 }; // colours 2 and 3 have no entry: opaque
        int[] samples = [0, 1, 2, 3, 3, 2, 1, 0];
        foreach (int depth in new[] { 2, 4, 8 })
        {
            var img = PngDecoder.Decode(TestPngWriter.Write(4, 2, 3, depth, samples, interlaced: depth == 4, plte: plte, trns: trns));
            Assert.Equal(PixelFormat.Rgba32, img.Format);
            Assert.Equal(TestPngWriter.Expected(4, 2, 3, depth, samples, plte, trns).Pixels, img.Pixels);
            Assert.Equal(new byte[] { 10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255, 100, 110, 120, 255 }, img.Pixels[..16]);
        }
    }

    [Fact]
    public void PaletteIndexBeyondThePaletteIsOpaqueBlack()
    {
        var plte = new byte[] { 1, 2, 3, 4, 5, 6 };
        var img = PngDecoder.Decode(TestPngWriter.Write(3, 1, 3, 8, [0, 1, 7], plte: plte));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 0, 0, 0 }, img.Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void GrayColorKeyComparesTheRawSample(int depth)
    {
        var rng = new Random(depth);
        int max = (1 << depth) - 1;
        var samples = RandomSamples(rng, 10 * 7, max);
        int key = samples[5];
        var trns = new byte[] { (byte)(key >> 8), (byte)key };
        var img = PngDecoder.Decode(TestPngWriter.Write(10, 7, 0, depth, samples, interlaced: depth % 2 == 0, trns: trns));
        Assert.Equal(PixelFormat.Rgba32, img.Format);
        Assert.Equal(TestPngWriter.Expected(10, 7, 0, depth, samples, trns: trns).Pixels, img.Pixels);
        Assert.Equal(0, img.Pixels[5 * 4 + 3]);
    }

    [Fact]
    public void RgbColorKeyAtSixteenBitsUsesFullPrecision()
    {
        // Pixels 0 and 1 round to the same 8-bit colour, but only pixel 0 equals the key.
        int[] samples = [0x1234, 0x5678, 0x9ABC, 0x1235, 0x5678, 0x9ABC, 1, 2, 3];
        var trns = new byte[] { 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC };
        var img = PngDecoder.Decode(TestPngWriter.Write(3, 1, 2, 16, samples, trns: trns));
        Assert.Equal(PixelFormat.Rgba32, img.Format);
        Assert.Equal(0, img.Pixels[3]);
        Assert.Equal(255, img.Pixels[7]);
        Assert.Equal(TestPngWriter.Expected(3, 1, 2, 16, samples, trns: trns).Pixels, img.Pixels);

        int[] s8 = [10, 20, 30, 10, 20, 31];
        var img8 = PngDecoder.Decode(TestPngWriter.Write(2, 1, 2, 8, s8, trns: [0, 10, 0, 20, 0, 30]));
        Assert.Equal(new byte[] { 10, 20, 30, 0, 10, 20, 31, 255 }, img8.Pixels);
    }

    [Fact]
    public void ManyIdatChunksAndAncillaryChunksAreHandled()
    {
        var rng = new Random(5);
        var samples = RandomSamples(rng, 40 * 30 * 3, 255);
        var extra = new[] { ("tEXt", "Comment\0hello"u8.ToArray()), ("abCd", new byte[] { 1, 2, 3 }), ("gAMA", new byte[] { 0, 0, 0xB1, 0x8F }) };
        var png = TestPngWriter.Write(40, 30, 2, 8, samples, idatPieces: 17, extraChunks: extra);
        Assert.Equal(TestPngWriter.Expected(40, 30, 2, 8, samples).Pixels, PngDecoder.Decode(png).Pixels);
        // An RGB image may carry a suggested palette; it does not change the pixels.
        var withPlte = TestPngWriter.Write(40, 30, 2, 8, samples, plte: RandomPalette(rng, 16));
        Assert.Equal(TestPngWriter.Expected(40, 30, 2, 8, samples).Pixels, PngDecoder.Decode(withPlte).Pixels);
    }

    [Fact]
    public void UnknownCriticalChunkIsAnError()
    {
        var png = TestPngWriter.Write(2, 2, 0, 8, [1, 2, 3, 4], extraChunks: [("ABCD", [1])]);
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(png, file: "x.png"));
        Assert.Contains("unknown critical chunk ABCD", e.Message);
        Assert.StartsWith("x.png:", e.Message);
    }

    [Fact]
    public void CrcErrorIsDetected()
    {
        var png = TestPngWriter.Write(16, 16, 2, 8, RandomSamples(new Random(1), 16 * 16 * 3, 255));
        foreach (int at in new[] { 20, 30, png.Length - 20 }) // IHDR body, IDAT body, IDAT CRC
        {
            var bad = (byte[])png.Clone();
            bad[at] ^= 0x10;
            var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(bad));
            Assert.Contains("CRC mismatch", e.Message);
        }
    }

    [Fact]
    public void TruncatedFilesAreErrors()
    {
        var samples = RandomSamples(new Random(2), 20 * 20 * 4, 255);
        var png = TestPngWriter.Write(20, 20, 6, 8, samples, idatPieces: 3);
        int withoutIend = png.Length - 12;
        for (int len = 0; len < withoutIend; len += len < 64 ? 1 : 7)
            Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(png.AsSpan(0, len)));
        for (int len = withoutIend + 1; len < png.Length; len++)
            Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(png.AsSpan(0, len)));
        // Only IEND missing: the image is complete, and decodes (PIL accepts such files too).
        Assert.Equal(TestPngWriter.Expected(20, 20, 6, 8, samples).Pixels, PngDecoder.Decode(png.AsSpan(0, withoutIend)).Pixels);
    }

    [Fact]
    public void ShortImageDataIsAnError()
    {
        // A valid zlib stream that ends one row early.
        var raw = TestPngWriter.FilteredData(8, 8, 0, 8, new int[64], false, -1);
        var png = PngWithRawData(8, 8, 0, 8, TestPngWriter.Compress(raw[..^9]));
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(png));
        Assert.Contains("ends after 63 of the 72 bytes", e.Message);
    }

    [Fact]
    public void CorruptZlibAndBadFilterAreErrors()
    {
        var raw = TestPngWriter.FilteredData(8, 8, 0, 8, new int[64], false, -1);
        raw[9] = 5; // second row's filter byte
        Assert.Contains("filter type 5", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngWithRawData(8, 8, 0, 8, TestPngWriter.Compress(raw)))).Message);
        var garbage = new byte[200];
        new Random(3).NextBytes(garbage);
        Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngWithRawData(8, 8, 0, 8, garbage)));
    }

    [Theory]
    [InlineData(0, 3, 0)]        // depth 3 does not exist
    [InlineData(2, 4, 0)]        // RGB needs 8 or 16 bits
    [InlineData(5, 8, 0)]        // no colour type 5
    [InlineData(3, 16, 0)]       // palette up to 8 bits
    [InlineData(0, 8, 2)]        // interlace method 2
    public void BadHeaderIsRejected(int colorType, int depth, int interlace)
    {
        var ihdr = Ihdr(4, 4, depth, colorType, interlace);
        Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", ihdr), ("IDAT", TestPngWriter.Compress(new byte[100])), ("IEND", []))));
    }

    [Fact]
    public void HeaderShapeAndOrderAreChecked()
    {
        var idat = ("IDAT", TestPngWriter.Compress(new byte[20]));
        Assert.Contains("13 bytes", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", new byte[12]), idat, ("IEND", [])))).Message);
        Assert.Contains("image size 0x4", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", Ihdr(0, 4, 8, 0, 0)), idat, ("IEND", [])))).Message);
        Assert.Contains("first chunk must be IHDR", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(idat, ("IHDR", Ihdr(4, 4, 8, 0, 0)), ("IEND", [])))).Message);
        Assert.Contains("no IDAT", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", Ihdr(4, 4, 8, 0, 0)), ("IEND", [])))).Message);
        Assert.Contains("without a PLTE", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", Ihdr(4, 4, 8, 3, 0)), idat, ("IEND", [])))).Message);
        Assert.Contains("consecutive", Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", Ihdr(4, 4, 8, 0, 0)), idat, ("tEXt", [65, 0, 66]), idat, ("IEND", [])))).Message);
        Assert.Throws<ImageFormatException>(() => PngDecoder.Decode("GIF89a........"u8));
    }

    [Fact]
    public void HugeDimensionsAreRefusedBeforeAllocating()
    {
        var idat = ("IDAT", TestPngWriter.Compress(new byte[1000]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        // Above the pixel limit.
        var e1 = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", Ihdr(100_000, 100_000, 8, 6, 0)), idat, ("IEND", []))));
        Assert.Contains("limit", e1.Message);
        // Within the limit, but far more than a few compressed bytes can inflate to.
        var e2 = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(PngFromChunks(("IHDR", Ihdr(9000, 9000, 8, 6, 1)), idat, ("IEND", []))));
        Assert.Contains("too short", e2.Message);
        // A lower caller limit.
        Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(TestPngWriter.Write(20, 20, 0, 8, new int[400]), new ImageDecodeOptions { MaxPixels = 399 }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000, "the decoder allocated for an image it refused");
    }

    [Fact]
    public void ZlibBombStopsAtTheBytesTheImageNeeds()
    {
        // 64 MiB of zeros behind a 16x16 gray image: inflation must stop after 16 · 17 bytes.
        byte[] zeros = new byte[64 << 20];
        byte[] bomb = TestPngWriter.Compress(zeros);
        var png = PngWithRawData(16, 16, 0, 8, bomb);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var img = PngDecoder.Decode(png);
        sw.Stop();
        Assert.All(img.Pixels, p => Assert.Equal(0, p));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 * bomb.Length + 1_000_000, "inflated more than needed");
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms: inflated more than needed?");
    }

    [SkippableFact]
    public void SharedPngsMatchPil()
    {
        CodecTestKit.RequireShared();
        CodecTestKit.RequirePil();
        var files = CodecTestKit.SharedImages(".png");
        Assert.NotEmpty(files);
        var pil = CodecTestKit.PilDecode(files);
        for (int i = 0; i < files.Count; i++)
            CodecTestKit.AssertSameAsPil(PngDecoder.Decode(File.ReadAllBytes(files[i]), file: files[i]), pil[i], files[i]);
    }

    [SkippableFact]
    public void SyntheticPngsMatchPil()
    {
        // Cross-checks the test writer (and so the expectations above) against an independent decoder. PIL truncates
        // 16-bit colour to the high byte, and compares a low-bit gray tRNS key with the pixel already scaled to 8 bits
        // (a key of 1 in a 1-bit image never matches 255), so those are left to the exact expectations.
        CodecTestKit.RequirePil();
        var dir = Directory.CreateTempSubdirectory("dw-png-");
        try
        {
            var rng = new Random(11);
            var files = new List<string>();
            var decoded = new List<Image>();
            foreach (var (colorType, depth) in new[] { (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (6, 8) })
                foreach (bool interlaced in new[] { false, true })
                    foreach (bool withTrns in colorType is 4 or 6 || (colorType == 0 && depth < 8) ? new[] { false } : [false, true])
                    {
                        int w = 13 + depth, h = 9;
                        int spp = TestPngWriter.SamplesPerPixel(colorType);
                        int max = (1 << depth) - 1;
                        var samples = RandomSamples(rng, w * h * spp, max);
                        var plte = colorType == 3 ? RandomPalette(rng, max + 1) : null;
                        byte[]? trns = !withTrns ? null
                            : colorType == 3 ? [0, 77, 255, 3]
                            : colorType == 0 ? [(byte)(samples[0] >> 8), (byte)samples[0]]
                            : [0, (byte)samples[0], 0, (byte)samples[1], 0, (byte)samples[2]];
                        var f = Path.Combine(dir.FullName, $"t{colorType}d{depth}i{interlaced}t{withTrns}.png");
                        File.WriteAllBytes(f, TestPngWriter.Write(w, h, colorType, depth, samples, interlaced, plte, trns, idatPieces: 3));
                        files.Add(f);
                        decoded.Add(PngDecoder.Decode(File.ReadAllBytes(f)));
                    }
            var pil = CodecTestKit.PilDecode(files);
            for (int i = 0; i < files.Count; i++)
                CodecTestKit.AssertSameAsPil(decoded[i], pil[i], Path.GetFileName(files[i]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static byte[] Ihdr(int w, int h, int depth, int colorType, int interlace)
    {
        var b = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(b, w);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), h);
        b[8] = (byte)depth;
        b[9] = (byte)colorType;
        b[12] = (byte)interlace;
        return b;
    }

    internal static byte[] PngFromChunks(params (string Type, byte[] Data)[] chunks)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (t, d) in chunks)
            TestPngWriter.WriteChunk(ms, t, d);
        return ms.ToArray();
    }

    private static byte[] PngWithRawData(int w, int h, int colorType, int depth, byte[] zlibData) =>
        PngFromChunks(("IHDR", Ihdr(w, h, depth, colorType, 0)), ("IDAT", zlibData), ("IEND", []));
}
