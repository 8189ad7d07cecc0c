using System.Buffers.Binary;
using System.IO.Compression;
using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

public class PngEncoderTests
{
    private static Image RandomImage(int w, int h, PixelFormat format, int seed, bool smooth)
    {
        var img = new Image(w, h, format);
        var rng = new Random(seed);
        if (!smooth)
        {
            rng.NextBytes(img.Pixels);
            return img;
        }
        // Gradients with a little noise, so that every filter wins somewhere.
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < img.Channels; c++)
                    img.Pixels[(y * w + x) * img.Channels + c] = (byte)(x * (c + 1) + y * 3 + rng.Next(3));
        return img;
    }

    public static TheoryData<PixelFormat> Formats() => new() { PixelFormat.Gray8, PixelFormat.Rgb24, PixelFormat.Rgba32 };

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundTripsExactly(PixelFormat format)
    {
        foreach (var (w, h) in new[] { (1, 1), (2, 3), (17, 5), (64, 40), (300, 2) })
            foreach (bool smooth in new[] { false, true })
            {
                var img = RandomImage(w, h, format, w * h, smooth);
                var back = PngDecoder.Decode(PngEncoder.Encode(img));
                Assert.Equal(format, back.Format);
                Assert.Equal((w, h), (back.Width, back.Height));
                Assert.Equal(img.Pixels, back.Pixels);
            }
    }

    [Fact]
    public void ChunksAreWellFormedWithValidCrcs()
    {
        var img = RandomImage(400, 300, PixelFormat.Rgba32, 1, smooth: false); // > 64 KiB compressed: several IDATs
        var png = PngEncoder.Encode(img);
        Assert.True(png.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var types = new List<string>();
        int pos = 8;
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            types.Add(System.Text.Encoding.ASCII.GetString(png, pos + 4, 4));
            Assert.Equal(CodecTestKit.Crc32(png.AsSpan(pos + 4, len + 4)), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len)));
            pos += 12 + len;
        }
        Assert.Equal(png.Length, pos);
        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);
        Assert.True(types.Count(t => t == "IDAT") > 1);
        Assert.Equal(types.Count - 2, types.Count(t => t == "IDAT"));
    }

    [Fact]
    public void SmoothImagesUseFiltersAndCompressWell()
    {
        var img = RandomImage(256, 64, PixelFormat.Rgb24, 2, smooth: true);
        var png = PngEncoder.Encode(img);
        // Recover the filter bytes with zlib (the BCL, not our decoder).
        int pos = 8 + 25, idatLen = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
        using var z = new ZLibStream(new MemoryStream(png, pos + 8, idatLen), CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        Assert.Equal(64 * (1 + 256 * 3), raw.Length);
        var filters = Enumerable.Range(0, 64).Select(r => raw.GetBuffer()[r * (1 + 256 * 3)]).ToHashSet();
        Assert.DoesNotContain((byte)0, filters);
        // Smaller than the same rows deflated unfiltered.
        var unfiltered = new MemoryStream();
        using (var u = new ZLibStream(unfiltered, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < img.Height; y++)
            {
                u.WriteByte(0);
                u.Write(img.Row(y));
            }
        Assert.True(png.Length < unfiltered.Length * 3 / 4, $"{png.Length} bytes filtered, {unfiltered.Length} unfiltered");
    }

    [Fact]
    public void EachFilterInvertsTheDecoderUnfilter()
    {
        var rng = new Random(4);
        var prev = new byte[37];
        var row = new byte[37];
        rng.NextBytes(prev);
        rng.NextBytes(row);
        foreach (int bpp in new[] { 1, 3, 4 })
            for (int f = 0; f < 5; f++)
            {
                var filtered = new byte[37];
                PngEncoder.Filter(f, row, prev, bpp, filtered);
                PngDecoder.Unfilter((byte)f, filtered, prev, bpp);
                Assert.Equal(row, filtered);
            }
    }

    [Fact]
    public void BranchlessPaethMatchesTheSpecification()
    {
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
                for (int c = a % 3; c < 256; c += 3)
                {
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int expected = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    if (PngDecoder.Paeth(a, b, c) != expected)
                        Assert.Fail($"Paeth({a}, {b}, {c}) = {PngDecoder.Paeth(a, b, c)}, expected {expected}");
                }
    }

    [Fact]
    public void FilterCostIsTheSumOfSignedMagnitudes()
    {
        var rng = new Random(6);
        foreach (int n in new[] { 0, 1, 15, 16, 17, 100, 5000, 70_000 })
        {
            var data = new byte[n];
            rng.NextBytes(data);
            if (n > 3)
                data[1] = 0x80; // |-128| = 128
            Assert.Equal(data.Sum(b => (long)Math.Abs((int)(sbyte)b)), PngEncoder.SumOfAbsoluteValues(data));
        }
        Assert.Equal(128L * 70_000, PngEncoder.SumOfAbsoluteValues(Enumerable.Repeat((byte)0x80, 70_000).ToArray()));
    }

    [SkippableFact]
    public void PilReadsOurPngsIdentically()
    {
        CodecTestKit.RequirePil();
        var dir = Directory.CreateTempSubdirectory("dw-pngenc-");
        try
        {
            var images = new List<Image>();
            int seed = 0;
            foreach (var format in new[] { PixelFormat.Gray8, PixelFormat.Rgb24, PixelFormat.Rgba32 })
                foreach (var (w, h) in new[] { (1, 1), (31, 7), (200, 150) })
                    foreach (bool smooth in new[] { false, true })
                        images.Add(RandomImage(w, h, format, ++seed, smooth));
            var files = new List<string>();
            for (int i = 0; i < images.Count; i++)
            {
                var f = Path.Combine(dir.FullName, $"{i}.png");
                using (var s = File.Create(f))
                    PngEncoder.Encode(images[i], s, i % 2 == 0 ? CompressionLevel.Optimal : CompressionLevel.Fastest);
                files.Add(f);
            }
            var pil = CodecTestKit.PilDecode(files);
            for (int i = 0; i < files.Count; i++)
                CodecTestKit.AssertSameAsPil(images[i], pil[i], $"image {i} ({images[i].Format} {images[i].Width}x{images[i].Height})");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
