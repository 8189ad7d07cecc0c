using System.Text;
using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

public class PnmDecoderTests
{
    private static Image Decode(string text) => PnmDecoder.Decode(Encoding.ASCII.GetBytes(text));

    private static byte[] Binary(string header, params byte[] raster) => [.. Encoding.ASCII.GetBytes(header), .. raster];

    private static byte Scale(int v, int maxval) => (byte)Math.Round(v * 255.0 / maxval, MidpointRounding.AwayFromZero);

    [Fact]
    public void PlainBitmapWithCommentsAndTouchingDigits()
    {
        var img = Decode("P1\n# a comment\n3 # width\n2\n010\n1 1\t0\n");
        Assert.Equal(PixelFormat.Gray8, img.Format);
        Assert.Equal((3, 2), (img.Width, img.Height));
        Assert.Equal(new byte[] { 255, 0, 255, 0, 0, 255 }, img.Pixels);
    }

    [Fact]
    public void RawBitmapRowsArePaddedToBytes()
    {
        // 10 pixels per row: two bytes, MSB first, the last 6 bits unused.
        var img = PnmDecoder.Decode(Binary("P4\n10 2\n", 0b1010_0000, 0b01_111111, 0b0000_0000, 0b11_000000));
        Assert.Equal(new byte[] { 0, 255, 0, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0 }, img.Pixels);
    }

    [Fact]
    public void PlainGraymapAndPixmapScaleByMaxval()
    {
        var gray = Decode("P2 4 1 15\n0 7 8 15");
        Assert.Equal(new byte[] { 0, 119, 136, 255 }, gray.Pixels);
        var rgb = Decode("P3\n2 1\n1000\n0 500 1000\n#c\n1 999 333\n");
        Assert.Equal(PixelFormat.Rgb24, rgb.Format);
        Assert.Equal(new[] { Scale(0, 1000), Scale(500, 1000), Scale(1000, 1000), Scale(1, 1000), Scale(999, 1000), Scale(333, 1000) }, rgb.Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1000)]
    [InlineData(65535)]
    public void RawGraymapAndPixmapAtEveryMaxval(int maxval)
    {
        var rng = new Random(maxval);
        foreach (int channels in new[] { 1, 3 })
        {
            int w = 5, h = 3, n = w * h * channels;
            var values = Enumerable.Range(0, n).Select(_ => rng.Next(maxval + 1)).ToArray();
            var raster = maxval > 255 ? values.SelectMany(v => new[] { (byte)(v >> 8), (byte)v }).ToArray() : values.Select(v => (byte)v).ToArray();
            var img = PnmDecoder.Decode(Binary($"P{(channels == 1 ? 5 : 6)}\n# made by a test\n{w} {h}\n{maxval}\n", raster));
            Assert.Equal(channels == 1 ? PixelFormat.Gray8 : PixelFormat.Rgb24, img.Format);
            Assert.Equal(values.Select(v => Scale(v, maxval)).ToArray(), img.Pixels);
        }
    }

    [Fact]
    public void OnlyTheFirstImageOfAFileIsRead()
    {
        var img = PnmDecoder.Decode(Binary("P5 2 1 255\n", 7, 9, (byte)'P', (byte)'5'));
        Assert.Equal(new byte[] { 7, 9 }, img.Pixels);
    }

    [Theory]
    [InlineData("P2 2 1 10\n3 11", "exceeds maxval")]
    [InlineData("P2 2 1 0\n0 0", "maxval 0")]
    [InlineData("P2 2 1 70000\n0 0", "maxval 70000")]
    [InlineData("P2 2 1 255\n3", "truncated")]
    [InlineData("P2 2 1 255\n3 x", "expected a decimal sample")]
    [InlineData("P3 2 1 255\n1 2 3 4 5", "truncated")]
    [InlineData("P1 2 1\n0 2", "'0' or '1'")]
    [InlineData("P2 0 1 255\n", "size 0x1")]
    [InlineData("P2 2x 1 255\n0 0", "after the width")]
    [InlineData("P2 99999999999 1 255\n0 0", "too large")]
    [InlineData("P5 2 2 255", "truncated")]
    [InlineData("P5 2 2 255 \0\0\0", "truncated")]
    [InlineData("P7 2 2 255 ", "not a Netpbm")]
    [InlineData("P", "not a Netpbm")]
    public void MalformedFilesAreErrors(string text, string message)
    {
        var e = Assert.Throws<ImageFormatException>(() => PnmDecoder.Decode(Encoding.Latin1.GetBytes(text), file: "f.pgm"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("f.pgm:", e.Message);
    }

    [Fact]
    public void SixteenBitSampleAboveMaxvalIsAnError()
    {
        Assert.Contains("exceeds maxval", Assert.Throws<ImageFormatException>(() => PnmDecoder.Decode(Binary("P5 1 1 1000\n", 0x03, 0xE9))).Message);
    }

    [Fact]
    public void HugeDimensionsAreRefusedBeforeAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => Decode("P6 100000 100000 255\n")).Message);
        Assert.Contains("truncated", Assert.Throws<ImageFormatException>(() => Decode("P6 9000 9000 255\n\0\0\0")).Message);
        Assert.Contains("truncated", Assert.Throws<ImageFormatException>(() => Decode("P2 9000 9000 255\n0 0 0 0")).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the decoder allocated for an image it refused");
    }

    [SkippableFact]
    public void SyntheticFilesMatchPil()
    {
        CodecTestKit.RequirePil();
        var rng = new Random(12);
        int w = 13, h = 4;
        string Plain(int n, int max) => string.Join(' ', Enumerable.Range(0, n).Select(_ => rng.Next(max + 1)));
        byte[] Raw(int n) => Enumerable.Range(0, n).Select(_ => (byte)rng.Next(256)).ToArray();
        var files = new (string Name, byte[] Data)[]
        {
            ("p1.pbm", Encoding.ASCII.GetBytes($"P1\n# c\n{w} {h}\n{Plain(w * h, 1)}\n")),
            ("p2.pgm", Encoding.ASCII.GetBytes($"P2\n{w} {h}\n255\n{Plain(w * h, 255)}\n")),
            ("p3.ppm", Encoding.ASCII.GetBytes($"P3\n{w} {h}\n255\n{Plain(w * h * 3, 255)}\n")),
            ("p4.pbm", Binary($"P4\n{w} {h}\n", Raw((w + 7) / 8 * h))),
            ("p5.pgm", Binary($"P5\n{w} {h}\n255\n", Raw(w * h))),
            ("p6.ppm", Binary($"P6\n{w} {h}\n255\n", Raw(w * h * 3))),
        };
        var dir = Directory.CreateTempSubdirectory("dw-pnm-");
        try
        {
            var paths = files.Select(f => Path.Combine(dir.FullName, f.Name)).ToList();
            for (int i = 0; i < files.Length; i++)
                File.WriteAllBytes(paths[i], files[i].Data);
            var pil = CodecTestKit.PilDecode(paths);
            for (int i = 0; i < files.Length; i++)
                CodecTestKit.AssertSameAsPil(PnmDecoder.Decode(files[i].Data), pil[i], files[i].Name);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
