using Depthwise.Vision.Codecs;
using Xunit.Abstractions;
using static Depthwise.Vision.Tests.Codecs.JpegTestTools;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// <see cref="JpegCompatibility.StbImage"/> against stb_image itself (tools/image-refs/stb-decode.c, stbi_load as the
/// TFLite Task Library calls it): every shared JPEG and cjpeg/Pillow variants in every sampling layout must decode
/// to exactly stb's pixels.
/// </summary>
public class JpegStbImageTests(ITestOutputHelper output)
{
    /// <summary>stbi_load ignores the EXIF orientation.</summary>
    private static readonly ImageDecodeOptions Stb = new() { ApplyExifOrientation = false, JpegCompatibility = JpegCompatibility.StbImage };

    /// <summary>Odd sizes around the MCU sizes and tiny ones (one-sample-wide chroma takes stb's special cases).</summary>
    private static readonly (int W, int H)[] Sizes = [(1, 1), (2, 3), (3, 2), (7, 5), (16, 16), (17, 9), (33, 31), (64, 48), (129, 67)];

    private static Image DecodeStb(string jpeg) => ImageDecoder.Decode(File.ReadAllBytes(jpeg), Stb, jpeg);

    /// <summary>Asserts equality with stbi_load; returns false (printing why) when stb refuses the file.</summary>
    private bool AssertMatchesStb(string jpeg, string dir, string label)
    {
        var (expected, error) = ImageReferenceTools.StbLoad(jpeg, dir);
        if (expected is null)
        {
            output.WriteLine($"{label}: skipped, stb_image refuses it: {error}");
            return false;
        }
        var (max, count) = Compare(expected, DecodeStb(jpeg));
        Assert.True(max == 0, $"{label}: max difference from stb_image {max} ({count} values)");
        return true;
    }

    [SkippableFact]
    public void SharedImagesMatchStbImage()
    {
        Skip.If(ImageReferenceTools.StbDecodeMissing is not null, ImageReferenceTools.StbDecodeMissing);
        Skip.If(SharedJpegs.Count == 0, "no shared images folder (/work/shared/images or ../shared/images)");
        using var tmp = NewTempDir();
        int compared = 0, differFromLibjpeg = 0;
        foreach (var f in SharedJpegs)
        {
            if (!AssertMatchesStb(f, tmp.Path, Path.GetRelativePath(SharedImages!, f))) continue;
            compared++;
            // The two decoders do differ, so the option is not a no-op: count the files where they disagree.
            var libjpeg = JpegDecoder.Decode(File.ReadAllBytes(f), new ImageDecodeOptions { ApplyExifOrientation = false }, f);
            if (Compare(libjpeg, DecodeStb(f)).Max > 0) differFromLibjpeg++;
        }
        output.WriteLine($"{compared} of {SharedJpegs.Count} images equal stb_image's pixels exactly; {differFromLibjpeg} of them differ from libjpeg-turbo's");
        Assert.True(compared >= SharedJpegs.Count - 2, $"stb_image refused {SharedJpegs.Count - compared} shared images");
        Assert.True(differFromLibjpeg > compared / 2, "stb_image and libjpeg-turbo decodes should differ on most photos");
    }

    [SkippableTheory]
    [InlineData("-sample 1x1")]
    [InlineData("-sample 2x1")]
    [InlineData("-sample 2x2")]
    [InlineData("-sample 1x2")]
    [InlineData("-sample 4x1")]
    [InlineData("-sample 1x4")]
    [InlineData("-sample 4x2")]
    [InlineData("-sample 2x4")]
    [InlineData("-sample 3x1")]
    [InlineData("-sample 2x2,2x1,1x2")]
    [InlineData("-sample 1x1,2x2,1x1")]
    [InlineData("-sample 1x4,1x2,1x1")]
    [InlineData("-sample 3x2,1x1,1x2")]
    [InlineData("-quality 100 -sample 2x2")]
    [InlineData("-quality 5")]
    [InlineData("-progressive -sample 2x2")]
    [InlineData("-progressive -sample 2x1")]
    [InlineData("-progressive -quality 100 -sample 1x1")]
    [InlineData("-restart 1 -sample 2x2")]
    [InlineData("-restart 1B -sample 1x1")]
    [InlineData("-restart 2B -progressive -sample 2x2")]
    [InlineData("-grayscale")]
    [InlineData("-grayscale -progressive")]
    [InlineData("-grayscale -sample 2x2")]
    [InlineData("-rgb")]
    [InlineData("-rgb -sample 2x2,1x1,1x1")]
    public void CjpegVariantsMatchStbImage(string args)
    {
        Skip.If(ImageReferenceTools.StbDecodeMissing is not null, ImageReferenceTools.StbDecodeMissing);
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        using var tmp = NewTempDir();
        foreach (var (w, h) in Sizes)
        {
            var ppm = tmp.File("src.ppm");
            WritePnm(ppm, JpegVariantTests.Synthetic(w, h, seed: w * 31 + h));
            var jpeg = tmp.File("v.jpg");
            var argv = new List<string>(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)) { "-outfile", jpeg, ppm };
            RunOk("cjpeg", argv.ToArray());
            Assert.True(AssertMatchesStb(jpeg, tmp.Path, $"cjpeg {args} {w}x{h}"), $"stb_image refused cjpeg {args} {w}x{h}");
        }
    }

    [SkippableTheory]
    [InlineData("CMYK")]
    [InlineData("YCCK")]
    [InlineData("CMYK-no-Adobe")]
    public void FourComponentJpegsMatchStbImage(string kind)
    {
        Skip.If(ImageReferenceTools.StbDecodeMissing is not null, ImageReferenceTools.StbDecodeMissing);
        Skip.If(PillowUnavailable is not null, PillowUnavailable);
        using var tmp = NewTempDir();
        foreach (var (w, h) in new[] { (1, 1), (17, 9), (64, 48) })
        {
            var ppm = tmp.File("src.ppm");
            WritePnm(ppm, JpegVariantTests.Synthetic(w, h));
            var jpeg = tmp.File("cmyk.jpg");
            Python($"Image.open('{ppm}').convert('CMYK').save('{jpeg}', quality=90)");
            var bytes = File.ReadAllBytes(jpeg);
            int adobe = JpegVariantTests.FindSegment(bytes, 0xEE);
            Assert.True(adobe > 0, "Pillow wrote no Adobe segment for CMYK");
            if (kind == "YCCK") bytes[adobe + 4 + 11] = 2;
            else if (kind == "CMYK-no-Adobe")
            {
                // stb then reads the first three components as YCbCr and ignores the fourth (libjpeg: CMYK).
                int len = (bytes[adobe + 2] << 8) | bytes[adobe + 3];
                bytes = [.. bytes.AsSpan(0, adobe), .. bytes.AsSpan(adobe + 2 + len)];
            }
            File.WriteAllBytes(jpeg, bytes);
            Assert.True(AssertMatchesStb(jpeg, tmp.Path, $"{kind} {w}x{h}"), $"stb_image refused {kind} {w}x{h}");
        }
    }

    [SkippableFact]
    public void RgbComponentIdsMeanRgbToStbEvenWithJfif()
    {
        // cjpeg -rgb writes component ids 'R', 'G', 'B' (and no JFIF segment). With a JFIF segment added, libjpeg
        // reads YCbCr (JFIF wins) while stb still reads RGB (the ids win).
        Skip.If(ImageReferenceTools.StbDecodeMissing is not null, ImageReferenceTools.StbDecodeMissing);
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        using var tmp = NewTempDir();
        var ppm = tmp.File("src.ppm");
        WritePnm(ppm, JpegVariantTests.Synthetic(24, 16));
        var jpeg = tmp.File("rgb.jpg");
        RunOk("cjpeg", "-rgb", "-outfile", jpeg, ppm);
        byte[] jfif = [0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        var bytes = File.ReadAllBytes(jpeg);
        Assert.Equal(-1, JpegVariantTests.FindSegment(bytes, 0xE0));
        File.WriteAllBytes(jpeg, [.. bytes.AsSpan(0, 2), .. jfif, .. bytes.AsSpan(2)]);
        Assert.True(AssertMatchesStb(jpeg, tmp.Path, "cjpeg -rgb with JFIF"));
        Assert.True(Compare(Djpeg(jpeg, tmp.Path), DecodeStb(jpeg)).Max > 50, "libjpeg should read these planes as YCbCr");
    }

    [Fact]
    public void DcOnlyShortcutEqualsTheFullTransform()
    {
        var quant = new int[64];
        Array.Fill(quant, 1);
        var coef = new short[64];
        var full = new byte[64];
        var fast = new byte[64];
        foreach (int q in new[] { 1, 2, 16, 99, 255 })
        {
            quant[0] = q;
            for (int dc = -2100; dc <= 2100; dc += 7)
            {
                coef[0] = (short)dc;
                JpegStbIdct.Transform(coef, quant, full, 8);
                JpegStbIdct.TransformDcOnly(dc, q, fast, 8);
                Assert.Equal(full, fast);
            }
        }
    }

    [Fact]
    public void IdctMatchesStbsPlainCArithmeticOnRealisticBlocks()
    {
        // stb's C version written out independently: per column a shortcut when all AC terms are zero (4·DC), else
        // the 12-bit-constant butterflies with (x + 512) >> 10; per row (x + 2^16 + 128·2^17) >> 17, clamped.
        static int F(double x) => (int)(x * 4096 + 0.5);
        static void Idct1D(int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7, out int x0, out int x1, out int x2, out int x3, out int t0, out int t1, out int t2, out int t3)
        {
            int p2 = s2, p3 = s6;
            int p1 = (p2 + p3) * F(0.5411961f);
            t2 = p1 + p3 * F(-1.847759065f);
            t3 = p1 + p2 * F(0.765366865f);
            t0 = (s0 + s4) * 4096;
            t1 = (s0 - s4) * 4096;
            x0 = t0 + t3; x3 = t0 - t3; x1 = t1 + t2; x2 = t1 - t2;
            t0 = s7; t1 = s5; t2 = s3; t3 = s1;
            p3 = t0 + t2; int p4 = t1 + t3; p1 = t0 + t3; p2 = t1 + t2;
            int p5 = (p3 + p4) * F(1.175875602f);
            t0 *= F(0.298631336f); t1 *= F(2.053119869f); t2 *= F(3.072711026f); t3 *= F(1.501321110f);
            p1 = p5 + p1 * F(-0.899976223f); p2 = p5 + p2 * F(-2.562915447f);
            p3 *= F(-1.961570560f); p4 *= F(-0.390180644f);
            t3 += p1 + p4; t2 += p2 + p3; t1 += p2 + p4; t0 += p1 + p3;
        }
        var rng = new Random(7);
        var quant = new int[64];
        var coef = new short[64];
        var actual = new byte[64];
        var v = new int[64];
        for (int trial = 0; trial < 3000; trial++)
        {
            Array.Clear(coef);
            // Coefficients an 8-bit image can have (|DC| ≤ 1024 dequantized, moderate AC): there stb's SSE2 and C
            // versions agree (far outside, the SSE2 one saturates at 16 bits).
            for (int i = 0; i < 64; i++) quant[i] = rng.Next(1, 50);
            coef[0] = (short)rng.Next(-1024 / quant[0], 1024 / quant[0] + 1);
            int nonzero = rng.Next(0, 20);
            for (int n = 0; n < nonzero; n++) coef[rng.Next(1, 64)] = (short)rng.Next(-10, 11);
            for (int c = 0; c < 8; c++)
            {
                int D(int r) => (short)(coef[r * 8 + c] * quant[r * 8 + c]);
                bool acZero = true;
                for (int r = 1; r < 8; r++) acZero &= D(r) == 0;
                if (acZero)
                {
                    for (int r = 0; r < 8; r++) v[r * 8 + c] = D(0) * 4;
                    continue;
                }
                Idct1D(D(0), D(1), D(2), D(3), D(4), D(5), D(6), D(7), out int x0, out int x1, out int x2, out int x3, out int t0, out int t1, out int t2, out int t3);
                x0 += 512; x1 += 512; x2 += 512; x3 += 512;
                v[c] = (x0 + t3) >> 10; v[56 + c] = (x0 - t3) >> 10; v[8 + c] = (x1 + t2) >> 10; v[48 + c] = (x1 - t2) >> 10;
                v[16 + c] = (x2 + t1) >> 10; v[40 + c] = (x2 - t1) >> 10; v[24 + c] = (x3 + t0) >> 10; v[32 + c] = (x3 - t0) >> 10;
            }
            JpegStbIdct.Transform(coef, quant, actual, 8);
            for (int r = 0; r < 8; r++)
            {
                int o = r * 8;
                Idct1D(v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5], v[o + 6], v[o + 7], out int x0, out int x1, out int x2, out int x3, out int t0, out int t1, out int t2, out int t3);
                int bias = 65536 + (128 << 17);
                x0 += bias; x1 += bias; x2 += bias; x3 += bias;
                int[] expected = [(x0 + t3) >> 17, (x1 + t2) >> 17, (x2 + t1) >> 17, (x3 + t0) >> 17, (x3 - t0) >> 17, (x2 - t1) >> 17, (x1 - t2) >> 17, (x0 - t3) >> 17];
                for (int c = 0; c < 8; c++) Assert.Equal(Math.Clamp(expected[c], 0, 255), actual[o + c]);
            }
        }
    }

    [SkippableFact]
    public void DefaultDecodingStaysLibjpegTurbos()
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        Skip.If(SharedJpegs.Count == 0, "no shared images folder");
        var file = SharedJpegs.First(f => f.EndsWith("cats_and_dogs.jpg", StringComparison.Ordinal));
        using var tmp = NewTempDir();
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(0, Compare(Djpeg(file, tmp.Path), JpegDecoder.Decode(bytes, new ImageDecodeOptions { ApplyExifOrientation = false })).Max);
        Assert.Equal(0, Compare(Djpeg(file, tmp.Path), ImageDecoder.Decode(bytes, new ImageDecodeOptions { ApplyExifOrientation = false })).Max);
    }
}
