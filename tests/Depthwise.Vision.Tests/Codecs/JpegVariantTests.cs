using Depthwise.Vision.Codecs;
using Xunit.Abstractions;
using static Depthwise.Vision.Tests.Codecs.JpegTestTools;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// JPEGs made at test time with cjpeg / jpegtran / Pillow in every layout the decoder claims (sampling factors,
/// odd sizes, progressive scripts, restart intervals, gray, RGB, CMYK, YCCK), each decoded by djpeg and by us.
/// </summary>
public class JpegVariantTests(ITestOutputHelper output)
{
    private static readonly ImageDecodeOptions AsStored = new() { ApplyExifOrientation = false };

    /// <summary>Odd sizes around the MCU sizes (8, 16, 32) and tiny ones.</summary>
    private static readonly (int W, int H)[] Sizes = [(1, 1), (2, 3), (7, 5), (16, 16), (17, 9), (33, 31), (64, 48), (129, 67)];

    /// <summary>A deterministic test picture: gradients, hard edges, a few saturated areas and noise (big coefficients).</summary>
    internal static Image Synthetic(int w, int h, int seed = 1)
    {
        var img = new Image(w, h, PixelFormat.Rgb24);
        var rng = new Random(seed);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int o = (y * w + x) * 3;
                int noise = rng.Next(-40, 41);
                bool edge = ((x / 5) + (y / 7)) % 2 == 0;
                img.Pixels[o] = (byte)Math.Clamp(x * 255 / Math.Max(1, w - 1) + noise, 0, 255);
                img.Pixels[o + 1] = (byte)Math.Clamp((edge ? 230 : 20) + noise / 2, 0, 255);
                img.Pixels[o + 2] = (byte)Math.Clamp(y * 255 / Math.Max(1, h - 1) - noise, 0, 255);
                if (x > w / 2 && y > h / 2) img.Pixels[o] = img.Pixels[o + 1] = img.Pixels[o + 2] = 255;
            }
        }
        return img;
    }

    private void AssertMatchesDjpeg(string jpeg, string dir, string label)
    {
        var expected = Djpeg(jpeg, dir);
        var actual = JpegDecoder.Decode(File.ReadAllBytes(jpeg), AsStored, jpeg);
        var (max, count) = Compare(expected, actual);
        if (max > 0) output.WriteLine($"{label}: max diff {max}, {count} values differ");
        // djpeg's contract is "within 1 level"; a rounding slip would show as many ±1 values, hence the count bound.
        Assert.True(max <= 1 && count <= expected.Pixels.Length / 200, $"{label}: max difference from djpeg {max} ({count} values)");
    }

    private int RunCjpegCases(string args, Func<int, int, Image> source)
    {
        using var tmp = NewTempDir();
        int n = 0;
        foreach (var (w, h) in Sizes)
        {
            var ppm = tmp.File($"src_{w}x{h}.ppm");
            WritePnm(ppm, source(w, h));
            var jpeg = tmp.File($"v_{w}x{h}.jpg");
            var argv = new List<string>(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)) { "-outfile", jpeg, ppm };
            RunOk("cjpeg", argv.ToArray());
            AssertMatchesDjpeg(jpeg, tmp.Path, $"cjpeg {args} {w}x{h}");
            n++;
        }
        return n;
    }

    [SkippableTheory]
    [InlineData("-sample 1x1")]
    [InlineData("-sample 2x1")]
    [InlineData("-sample 2x2")]
    [InlineData("-sample 1x2")]
    [InlineData("-sample 4x1")]
    [InlineData("-sample 1x4")]
    [InlineData("-sample 4x2")]
    [InlineData("-sample 3x1")]
    [InlineData("-sample 2x2,2x1,1x2")]
    [InlineData("-sample 1x1,2x2,1x1")]
    [InlineData("-sample 2x2,1x1,2x2")]
    [InlineData("-sample 1x4,1x2,1x1")]
    [InlineData("-sample 3x2,1x1,1x2")]
    [InlineData("-quality 100 -sample 2x2")]
    [InlineData("-quality 5")]
    [InlineData("-optimize -sample 2x1")]
    [InlineData("-progressive -sample 1x1")]
    [InlineData("-progressive -sample 2x1")]
    [InlineData("-progressive -sample 2x2")]
    [InlineData("-progressive -sample 1x2")]
    [InlineData("-progressive -sample 4x1")]
    [InlineData("-progressive -quality 100")]
    [InlineData("-restart 1 -sample 2x2")]
    [InlineData("-restart 1B -sample 2x2")]
    [InlineData("-restart 3B -sample 1x1")]
    [InlineData("-restart 1B -progressive -sample 2x2")]
    [InlineData("-restart 2B -progressive -sample 2x1")]
    [InlineData("-grayscale")]
    [InlineData("-grayscale -progressive")]
    [InlineData("-grayscale -restart 1B")]
    [InlineData("-grayscale -sample 2x2")]
    [InlineData("-grayscale -progressive -sample 2x1")]
    [InlineData("-rgb")]
    [InlineData("-rgb -progressive")]
    [InlineData("-rgb -sample 2x2,1x1,1x1")]
    public void CjpegVariantsMatchDjpeg(string args)
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        RunCjpegCases(args, (w, h) => Synthetic(w, h));
    }

    /// <summary>Scan scripts for cjpeg -scans: multi-scan sequential files and progressive files with unusual band splits.</summary>
    public static TheoryData<string, string> Scripts => new()
    {
        { "sequential, one scan per component", "0;\n1;\n2;\n" },
        { "sequential, Y+Cb interleaved then Cr", "0 1;\n2;\n" },
        { "spectral selection only", "0 1 2: 0 0 0 0;\n0: 1 5 0 0;\n0: 6 63 0 0;\n1: 1 63 0 0;\n2: 1 63 0 0;\n" },
        { "per-component DC scans", "0: 0 0 0 0;\n1: 0 0 0 0;\n2: 0 0 0 0;\n2: 1 63 0 0;\n1: 1 63 0 0;\n0: 1 63 0 0;\n" },
        {
            "deep successive approximation",
            "0 1 2: 0 0 0 3;\n0 1 2: 0 0 3 2;\n0 1 2: 0 0 2 1;\n0 1 2: 0 0 1 0;\n" +
            "0: 1 63 0 4;\n0: 1 63 4 3;\n0: 1 63 3 2;\n0: 1 63 2 1;\n0: 1 63 1 0;\n" +
            "1: 1 9 0 2;\n1: 10 63 0 2;\n1: 1 63 2 1;\n1: 1 63 1 0;\n2: 1 63 0 1;\n2: 1 63 1 0;\n"
        },
    };

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public void ScanScriptsMatchDjpeg(string name, string script)
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        using var tmp = NewTempDir();
        var scans = tmp.File("scans.txt");
        File.WriteAllText(scans, script);
        foreach (var sample in new[] { "1x1", "2x2", "2x1" })
        {
            foreach (var (w, h) in Sizes)
            {
                var ppm = tmp.File("src.ppm");
                WritePnm(ppm, Synthetic(w, h, seed: w + h));
                var jpeg = tmp.File("s.jpg");
                RunOk("cjpeg", "-sample", sample, "-scans", scans, "-outfile", jpeg, ppm);
                AssertMatchesDjpeg(jpeg, tmp.Path, $"{name}, {sample}, {w}x{h}");
            }
        }
    }

    [SkippableTheory]
    [InlineData("-rotate 90")]
    [InlineData("-transpose")]
    [InlineData("-progressive")]
    [InlineData("-restart 1")]
    [InlineData("-optimize -copy none")]
    public void JpegtranVariantsMatchDjpeg(string args)
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        using var tmp = NewTempDir();
        foreach (var sample in new[] { "2x1", "2x2", "1x1" })
        {
            var ppm = tmp.File("src.ppm");
            WritePnm(ppm, Synthetic(48, 40));
            var source = tmp.File("src.jpg");
            RunOk("cjpeg", "-sample", sample, "-outfile", source, ppm);
            var jpeg = tmp.File("t.jpg");
            var argv = new List<string>(args.Split(' ')) { "-outfile", jpeg, source };
            RunOk("jpegtran", argv.ToArray());
            AssertMatchesDjpeg(jpeg, tmp.Path, $"jpegtran {args} of {sample}");
        }
    }

    [SkippableFact]
    public void SharedImageTranscodesMatchDjpeg()
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        Skip.If(SharedJpegs.Count == 0, "no shared images folder");
        using var tmp = NewTempDir();
        // One real photo in each layout: progressive, restart every MCU, gray, 4:2:2 via rotation.
        var src = SharedJpegs.FirstOrDefault(f => f.EndsWith("cat_720p.jpg", StringComparison.Ordinal)) ?? SharedJpegs[0];
        foreach (var args in new[] { "-progressive", "-restart 1B", "-grayscale", "-rotate 270", "-progressive -restart 2" })
        {
            var jpeg = tmp.File("t.jpg");
            var argv = new List<string>(args.Split(' ')) { "-outfile", jpeg, src };
            RunOk("jpegtran", argv.ToArray());
            AssertMatchesDjpeg(jpeg, tmp.Path, $"jpegtran {args} {Path.GetFileName(src)}");
        }
    }

    [SkippableTheory]
    [InlineData("CMYK", false)]
    [InlineData("YCCK", false)]
    [InlineData("CMYK-no-Adobe", false)]
    [InlineData("CMYK", true)]
    public void FourComponentJpegsMatchDjpeg(string kind, bool progressive)
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        Skip.If(PillowUnavailable is not null, PillowUnavailable);
        using var tmp = NewTempDir();
        foreach (var (w, h) in new[] { (1, 1), (17, 9), (64, 48) })
        {
            var ppm = tmp.File("src.ppm");
            WritePnm(ppm, Synthetic(w, h));
            var jpeg = tmp.File("cmyk.jpg");
            Python($"Image.open('{ppm}').convert('CMYK').save('{jpeg}', quality=90{(progressive ? ", progressive=True" : "")})");
            var bytes = File.ReadAllBytes(jpeg);
            int adobe = FindSegment(bytes, 0xEE);
            Assert.True(adobe > 0, "Pillow wrote no Adobe segment for CMYK");
            if (kind == "YCCK")
            {
                // The same data read as YCCK: djpeg and we must agree on the (odd-looking) colors.
                bytes[adobe + 4 + 11] = 2;
            }
            else if (kind == "CMYK-no-Adobe")
            {
                int len = (bytes[adobe + 2] << 8) | bytes[adobe + 3];
                bytes = [.. bytes.AsSpan(0, adobe), .. bytes.AsSpan(adobe + 2 + len)];
            }
            File.WriteAllBytes(jpeg, bytes);
            AssertMatchesDjpeg(jpeg, tmp.Path, $"{kind} {w}x{h}");
            Assert.Equal(PixelFormat.Rgb24, JpegDecoder.Decode(bytes).Format);
        }
    }

    /// <summary>Offset of the first marker segment with this code before the first scan, or −1.</summary>
    internal static int FindSegment(byte[] jpeg, int code)
    {
        int p = 2;
        while (p + 4 <= jpeg.Length && jpeg[p] == 0xFF && jpeg[p + 1] != 0xDA)
        {
            if (jpeg[p + 1] == code) return p;
            p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
        }
        return -1;
    }
}
