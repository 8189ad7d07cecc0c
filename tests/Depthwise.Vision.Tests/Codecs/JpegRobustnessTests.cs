using Depthwise.Vision.Codecs;
using Xunit.Abstractions;
using static Depthwise.Vision.Tests.Codecs.JpegTestTools;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>Malformed, truncated, unsupported and hostile JPEG data: typed errors with offsets, or libjpeg-like recovery.</summary>
public class JpegRobustnessTests(ITestOutputHelper output)
{
    private static int Find(byte[] jpeg, int code) => JpegVariantTests.FindSegment(jpeg, code);

    private static int FindSof(byte[] jpeg) => Math.Max(Find(jpeg, 0xC0), Find(jpeg, 0xC2));

    private static int FindSos(byte[] jpeg)
    {
        for (int p = 2; p + 1 < jpeg.Length; p++)
            if (jpeg[p] == 0xFF && jpeg[p + 1] == 0xDA) return p;
        return -1;
    }

    private static ImageFormatException Fails(byte[] data, string expectedText, ImageDecodeOptions? options = null)
    {
        var e = Assert.Throws<ImageFormatException>(() => JpegDecoder.Decode(data, options, "x.jpg"));
        Assert.Contains(expectedText, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("x.jpg", e.File);
        return e;
    }

    private static byte[] Remove(byte[] d, int at, int count) => [.. d.AsSpan(0, at), .. d.AsSpan(at + count)];

    private static byte[] RemoveSegment(byte[] d, int at) => Remove(d, at, 2 + ((d[at + 2] << 8) | d[at + 3]));

    [Fact]
    public void EmbeddedSamplesDecode()
    {
        var b = JpegDecoder.Decode(JpegSamples.Baseline420Restarts);
        Assert.Equal((24, 16, PixelFormat.Rgb24), (b.Width, b.Height, b.Format));
        var p = JpegDecoder.Decode(JpegSamples.Progressive422);
        Assert.Equal((24, 16, PixelFormat.Rgb24), (p.Width, p.Height, p.Format));
        var g = JpegDecoder.Decode(JpegSamples.ProgressiveGray);
        Assert.Equal((24, 16, PixelFormat.Gray8), (g.Width, g.Height, g.Format));
        Assert.Empty(JpegDecoder.DecodeWithDetails(JpegSamples.Baseline420Restarts, null, null).Warnings);
        var info = JpegDecoder.Identify(JpegSamples.Progressive422);
        Assert.Equal(new JpegInfo(24, 16, 3, true, 1), info);
    }

    [Fact]
    public void SniffsJpegHeaders()
    {
        Assert.True(JpegDecoder.IsJpeg(JpegSamples.Baseline420Restarts));
        Assert.False(JpegDecoder.IsJpeg([0xFF, 0xD8]));
        Assert.False(JpegDecoder.IsJpeg("\x89PNG\r\n"u8));
        Assert.False(JpegDecoder.IsJpeg([]));
    }

    [Fact]
    public void RejectsNonJpegData()
    {
        Assert.Equal(0, Fails([], "not a JPEG").Offset);
        Fails("GIF89a"u8.ToArray(), "not a JPEG");
        Fails([0xFF, 0xD8], "truncated");
        Fails([0xFF, 0xD8, 0xFF, 0xD9], "no image data");
        Fails([0xFF, 0xD8, 0xFF, 0xD8], "second start-of-image");
    }

    [Theory]
    [InlineData(0xC3, "lossless JPEG")]
    [InlineData(0xC9, "arithmetic-coded JPEG is not supported")]
    [InlineData(0xCA, "arithmetic-coded JPEG is not supported")]
    [InlineData(0xC5, "hierarchical JPEG")]
    [InlineData(0xF7, "JPEG-LS")]
    public void RefusesUnsupportedProcesses(int sofCode, string message)
    {
        var d = JpegSamples.Baseline420Restarts;
        int sof = FindSof(d);
        d[sof + 1] = (byte)sofCode;
        Assert.Equal(sof, Fails(d, message).Offset);
    }

    [SkippableFact]
    public void RefusesCjpegArithmeticFiles()
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        using var tmp = NewTempDir();
        var ppm = tmp.File("a.ppm");
        WritePnm(ppm, JpegVariantTests.Synthetic(20, 10));
        foreach (var mode in new[] { "-baseline", "-progressive" })
        {
            var jpeg = tmp.File("a.jpg");
            RunOk("cjpeg", "-arithmetic", mode, "-outfile", jpeg, ppm);
            Fails(File.ReadAllBytes(jpeg), "arithmetic-coded JPEG is not supported");
        }
    }

    [Fact]
    public void RefusesTwelveBitDnlAndOddComponentCounts()
    {
        var d = JpegSamples.Baseline420Restarts;
        int sof = FindSof(d);
        d[sof + 4] = 12;
        Fails(d, "12-bit");
        d = JpegSamples.Baseline420Restarts;
        d[sof + 5] = 0;
        d[sof + 6] = 0;
        Fails(d, "DNL");
        d = JpegSamples.Baseline420Restarts;
        d[sof + 7] = 0;
        d[sof + 8] = 0;
        Fails(d, "width 0");
        d = JpegSamples.Baseline420Restarts;
        d[sof + 9] = 2; // two components, but the length says three
        Fails(d, "length bytes");
    }

    [Fact]
    public void ChecksTheSizeLimitBeforeAllocating()
    {
        var small = new ImageDecodeOptions { MaxPixels = 100 };
        var e = Fails(JpegSamples.Progressive422, "above the limit", small);
        Assert.NotNull(e.Offset);
        // 65535 x 65535 declared in a tiny file: refused from the header (the default limit is 100 megapixels).
        var d = JpegSamples.Baseline420Restarts;
        int sof = FindSof(d);
        d[sof + 5] = d[sof + 6] = d[sof + 7] = d[sof + 8] = 0xFF;
        Fails(d, "above the limit");
        // Identify reads such a header without judging it (unless given a limit).
        Assert.Equal((65535, 65535), (JpegDecoder.Identify(d).Width, JpegDecoder.Identify(d).Height));
        Assert.Throws<ImageFormatException>(() => JpegDecoder.Identify(d, maxPixels: 1_000_000));
        // A permissive limit: the header passes, the storage is allocated once and the missing data decodes as gray.
        var wide = JpegSamples.Baseline420Restarts;
        wide[sof + 7] = 0x08; // width 2048 + 24
        var (image, _, warnings) = JpegDecoder.DecodeWithDetails(wide, null, null);
        Assert.Equal(2048 + 24, image.Width);
        Assert.NotEmpty(warnings);
    }

    [Fact]
    public void RefusesBadTables()
    {
        // Over-full Huffman table: too many 1-bit codes (the first DHT's counts start 5 bytes into the segment).
        var d = JpegSamples.Baseline420Restarts;
        int dht = Find(d, 0xC4);
        Assert.Equal([0, 1, 5], d.AsSpan(dht + 5, 3).ToArray());
        d[dht + 5] = 2; // two 1-bit codes (0 and 1, all ones): the same total, nothing left for longer codes
        d[dht + 6] = 0;
        d[dht + 7] = 4;
        Assert.Equal(dht + 4, Fails(d, "over-full").Offset);

        // Bad table class/slot.
        d = JpegSamples.Baseline420Restarts;
        d[dht + 4] = 0x25;
        Fails(d, "Huffman table class");

        // Missing quantization tables.
        d = JpegSamples.Baseline420Restarts;
        while (Find(d, 0xDB) is var dqt and > 0) d = RemoveSegment(d, dqt);
        Fails(d, "quantization table 0, which is not defined");

        // Missing Huffman tables in a progressive file.
        d = JpegSamples.Progressive422;
        d = RemoveSegment(d, Find(d, 0xC4));
        Fails(d, "Huffman table");
    }

    [Fact]
    public void MissingHuffmanTablesInASequentialFileAreTheStandardOnes()
    {
        // cjpeg writes the annex K tables unless asked to optimize; without them libjpeg-turbo (and we) assume them.
        var d = JpegSamples.Baseline420Restarts;
        var expected = JpegDecoder.Decode(d);
        while (Find(d, 0xC4) is var dht and > 0) d = RemoveSegment(d, dht);
        Assert.Equal(expected.Pixels, JpegDecoder.Decode(d).Pixels);
    }

    [Fact]
    public void RefusesBadScanAndFrameHeaders()
    {
        var d = JpegSamples.Baseline420Restarts;
        int sos = FindSos(d);
        d[sos + 5] = 9; // first scan component id
        Assert.Equal(sos + 5, Fails(d, "does not define").Offset);

        d = JpegSamples.Baseline420Restarts;
        d[sos + 7] = d[sos + 5]; // the same component twice
        Fails(d, "twice");

        d = JpegSamples.Baseline420Restarts;
        int sof = FindSof(d);
        d[sof + 11] = 0x51; // sampling 5x1
        Fails(d, "sampling factors");

        d = JpegSamples.Baseline420Restarts;
        d[sof + 13] = d[sof + 10]; // second component has the first one's id
        Fails(d, "appears twice");

        d = JpegSamples.Progressive422;
        sos = FindSos(d);
        int n = d[sos + 4];
        d[sos + 5 + 2 * n + 1] = 5; // DC scan with Se = 5
        Fails(d, "progressive scan parameters");

        // A marker that does not exist.
        d = JpegSamples.Baseline420Restarts;
        d = [.. d.AsSpan(0, 2), 0xFF, 0x02, 0x00, 0x02, .. d.AsSpan(2)];
        Assert.Equal(2, Fails(d, "unknown marker 0x02").Offset);

        // A segment length below 2.
        d = JpegSamples.Baseline420Restarts;
        d[4] = 0;
        d[5] = 1;
        Fails(d, "below 2");
    }

    [Fact]
    public void GarbageBetweenMarkersAndStrayMarkersAreSkipped()
    {
        var d = JpegSamples.Baseline420Restarts;
        var expected = JpegDecoder.Decode(d).Pixels;
        int sof = FindSof(d);
        var withGarbage = (byte[])[.. d.AsSpan(0, sof), 0x12, 0x34, 0xFF, 0xD3, 0xFF, 0xFF, .. d.AsSpan(sof)];
        var (image, _, warnings) = JpegDecoder.DecodeWithDetails(withGarbage, null, null);
        Assert.Equal(expected, image.Pixels);
        Assert.Contains(warnings, w => w.Contains("extraneous", StringComparison.Ordinal));
    }

    [Fact]
    public void TruncationBeforeTheFirstScanFailsAndAfterItDecodes()
    {
        var d = JpegSamples.Baseline420Restarts;
        int sos = FindSos(d);
        for (int n = 0; n < sos + 10; n++)
            Assert.Throws<ImageFormatException>(() => JpegDecoder.Decode(d.AsSpan(0, n)));
        for (int n = sos + 14; n < d.Length; n += 7)
        {
            var (image, _, warnings) = JpegDecoder.DecodeWithDetails(d.AsSpan(0, n), null, null);
            Assert.Equal(24, image.Width);
            if (n < d.Length - 2) Assert.NotEmpty(warnings);
        }
    }

    /// <summary>Truncated and restart-damaged files: libjpeg's recovery (gray rest, resynchronization at the right RSTn) reproduced.</summary>
    [SkippableFact]
    public void DamagedSequentialFilesDecodeLikeDjpeg()
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        using var tmp = NewTempDir();
        var ppm = tmp.File("src.ppm");
        WritePnm(ppm, JpegVariantTests.Synthetic(70, 45));
        var jpegFile = tmp.File("r.jpg");
        RunOk("cjpeg", "-sample", "2x2", "-restart", "1B", "-outfile", jpegFile, ppm);
        var good = File.ReadAllBytes(jpegFile);
        int sos = FindSos(good);
        var rst = Enumerable.Range(sos, good.Length - sos - 1).Where(i => good[i] == 0xFF && good[i + 1] is >= 0xD0 and <= 0xD7).ToList();
        Assert.True(rst.Count > 8);

        var cases = new List<(string Name, byte[] Data)>();
        foreach (int cut in new[] { sos + 40, good.Length / 2, good.Length - 30, good.Length - 2 })
            cases.Add(($"truncated at {cut}", good.AsSpan(0, cut).ToArray()));
        foreach (int k in new[] { 1, 4, 7 })
        {
            int at = rst[k];
            var renumbered = (byte[])good.Clone();
            renumbered[at + 1] = (byte)(0xD0 + ((renumbered[at + 1] - 0xD0 + 1) & 7));
            cases.Add(($"RST {k} numbered one ahead", renumbered));
            var behind = (byte[])good.Clone();
            behind[at + 1] = (byte)(0xD0 + ((behind[at + 1] - 0xD0 + 7) & 7));
            cases.Add(($"RST {k} numbered one behind", behind));
            cases.Add(($"RST {k} removed", Remove(good, at, 2)));
            cases.Add(($"segment before RST {k} cut short", Remove(good, at - 6, 6)));
            var flipped = (byte[])good.Clone();
            flipped[at - 5] ^= 0x5A;
            cases.Add(($"bit errors before RST {k}", flipped));
        }
        int worst = 0;
        foreach (var (name, data) in cases)
        {
            var expected = DjpegDamaged(data, tmp.Path);
            Assert.NotNull(expected);
            var actual = JpegDecoder.Decode(data);
            var (max, count) = Compare(expected!, actual);
            output.WriteLine($"{name}: max diff {max}, {count} values differ");
            worst = Math.Max(worst, max);
        }
        Assert.Equal(0, worst);
    }
}
