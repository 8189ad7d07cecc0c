using Depthwise.Vision.Codecs;
using static Depthwise.Vision.Tests.Codecs.JpegTestTools;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>EXIF orientation: parsing (both byte orders, malformed segments) and the eight transforms against Pillow's exif_transpose.</summary>
public class JpegExifTests
{
    /// <summary>An APP1 segment (marker included) holding a TIFF IFD0 with a dummy tag and the orientation tag.</summary>
    internal static byte[] ExifSegment(int orientation, bool bigEndian, int typeCode = 3)
    {
        var tiff = new List<byte>();
        void U16(int v)
        {
            if (bigEndian) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
            else { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); }
        }
        void U32(uint v)
        {
            if (bigEndian) { U16((int)(v >> 16)); U16((int)(v & 0xFFFF)); }
            else { U16((int)(v & 0xFFFF)); U16((int)(v >> 16)); }
        }
        tiff.AddRange(bigEndian ? "MM"u8.ToArray() : "II"u8.ToArray());
        U16(42);
        U32(8);
        U16(2);                      // two entries
        U16(0x010F); U16(2); U32(4); U32(0x00676F64); // Make = "dog" inline (ASCII, 4 bytes)
        U16(0x0112); U16(typeCode); U32(1);
        if (typeCode == 3) { U16(orientation); U16(0); } else U32((uint)orientation);
        U32(0);                      // no next IFD
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        int len = payload.Length + 2;
        return [0xFF, 0xE1, (byte)(len >> 8), (byte)len, .. payload];
    }

    /// <summary>Inserts <paramref name="segment"/> right after SOI.</summary>
    internal static byte[] WithSegment(byte[] jpeg, byte[] segment) => [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParsesOrientationInBothByteOrders(bool bigEndian)
    {
        for (int o = 1; o <= 8; o++)
        {
            var seg = ExifSegment(o, bigEndian);
            Assert.Equal(o, JpegExifOrientation.Parse(seg.AsSpan(4)));
            Assert.Equal(o, JpegExifOrientation.Parse(ExifSegment(o, bigEndian, typeCode: 4).AsSpan(4)));
        }
    }

    [Fact]
    public void MalformedExifMeansUpright()
    {
        var good = ExifSegment(6, bigEndian: false).AsSpan(4).ToArray();
        Assert.Equal(6, JpegExifOrientation.Parse(good));
        // Every truncation and every single-byte corruption: no exception, a value in 1..8.
        for (int n = 0; n < good.Length; n++)
            Assert.InRange(JpegExifOrientation.Parse(good.AsSpan(0, n)), 1, 8);
        for (int i = 6; i < good.Length; i++)
        {
            foreach (byte v in new byte[] { 0, 0xFF, 0x7F, 9 })
            {
                var bad = (byte[])good.Clone();
                bad[i] = v;
                Assert.InRange(JpegExifOrientation.Parse(bad), 1, 8);
            }
        }
        var outOfRange = ExifSegment(9, bigEndian: true).AsSpan(4).ToArray();
        Assert.Equal(1, JpegExifOrientation.Parse(outOfRange));
        Assert.Equal(1, JpegExifOrientation.Parse("Exif\0\0MM\0*\xff\xff\xff\xff"u8));
    }

    [SkippableFact]
    public void AllEightOrientationsMatchPillowExifTranspose()
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        Skip.If(PillowUnavailable is not null, PillowUnavailable);
        using var tmp = NewTempDir();
        var ppm = tmp.File("src.ppm");
        WritePnm(ppm, JpegVariantTests.Synthetic(13, 7));
        var plain = tmp.File("plain.jpg");
        RunOk("cjpeg", "-sample", "2x2", "-outfile", plain, ppm);
        var bytes = File.ReadAllBytes(plain);
        var stored = JpegDecoder.Decode(bytes, new ImageDecodeOptions { ApplyExifOrientation = false });
        for (int o = 1; o <= 8; o++)
        {
            var jpeg = tmp.File($"o{o}.jpg");
            var withExif = WithSegment(bytes, ExifSegment(o, bigEndian: o % 2 == 0));
            File.WriteAllBytes(jpeg, withExif);
            var expectedFile = tmp.File($"o{o}.ppm");
            Python($"ImageOps.exif_transpose(Image.open('{jpeg}')).save('{expectedFile}')");
            var expected = ReadPnm(File.ReadAllBytes(expectedFile));
            var actual = JpegDecoder.Decode(withExif);
            var (max, _) = Compare(expected, actual);
            Assert.True(max == 0, $"orientation {o}: max difference {max}");
            Assert.Equal(o, JpegDecoder.Identify(withExif).ExifOrientation);
            // Without applying it, the pixels are as stored.
            var raw = JpegDecoder.Decode(withExif, new ImageDecodeOptions { ApplyExifOrientation = false });
            Assert.Equal(stored.Pixels, raw.Pixels);
        }
    }

    [Theory]
    [InlineData(PixelFormat.Gray8)]
    [InlineData(PixelFormat.Rgb24)]
    public void TransformsMapPixelsAsDocumented(PixelFormat format)
    {
        // 3x2 image with distinct pixels; expected layouts written out by hand.
        int ch = (int)format;
        var src = new Image(3, 2, format);
        for (int i = 0; i < 6; i++)
            for (int k = 0; k < ch; k++) src.Pixels[i * ch + k] = (byte)(10 * i + k);
        // Source pixel numbers: row 0 = 0 1 2, row 1 = 3 4 5.
        var expected = new Dictionary<int, (int W, int[] Order)>
        {
            [2] = (3, [2, 1, 0, 5, 4, 3]),
            [3] = (3, [5, 4, 3, 2, 1, 0]),
            [4] = (3, [3, 4, 5, 0, 1, 2]),
            [5] = (2, [0, 3, 1, 4, 2, 5]),
            [6] = (2, [3, 0, 4, 1, 5, 2]),
            [7] = (2, [5, 2, 4, 1, 3, 0]),
            [8] = (2, [2, 5, 1, 4, 0, 3]),
        };
        Assert.Same(src, JpegExifOrientation.Apply(src, 1));
        foreach (var (o, (w, order)) in expected)
        {
            var r = JpegExifOrientation.Apply(src, o);
            Assert.Equal(w, r.Width);
            Assert.Equal(6 / w, r.Height);
            for (int i = 0; i < 6; i++)
                for (int k = 0; k < ch; k++)
                    Assert.Equal((byte)(10 * order[i] + k), r.Pixels[i * ch + k]);
        }
    }
}
