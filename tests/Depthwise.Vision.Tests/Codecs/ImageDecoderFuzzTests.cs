using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Depthwise.Vision.Codecs;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// Mutation fuzzing of every decoder behind <see cref="ImageDecoder"/>: thousands of corrupted copies of real and
/// synthetic files must each decode or throw <see cref="ImageFormatException"/> — never another exception, a hang
/// or a huge allocation. PNG mutations usually get their chunk CRCs repaired, so that they reach the parser, zlib
/// and the filters instead of stopping at the CRC check. Deterministic (fixed seeds), so a failure reproduces.
/// </summary>
public class ImageDecoderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 4000;

    /// <summary>Shared PNG/BMP files small enough to decode thousands of times in seconds, plus synthetic files of every kind.</summary>
    private static List<(string Name, byte[] Data)> Seeds()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var f in CodecTestKit.SharedImages(".png", ".bmp"))
        {
            var data = File.ReadAllBytes(f);
            if (ImageDecoder.Decode(data).Pixels.Length <= 70_000) // up to 128x128 RGB: larger ones add time, not coverage
                seeds.Add((Path.GetFileName(f), data));
        }
        var rng = new Random(1);
        int[] Samples(int n, int max) => Enumerable.Range(0, n).Select(_ => rng.Next(max + 1)).ToArray();
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            return b;
        }
        seeds.Add(("palette-interlaced-trns.png", TestPngWriter.Write(19, 13, 3, 4, Samples(19 * 13, 15), true, Bytes(48), [0, 50, 100], idatPieces: 3)));
        seeds.Add(("rgba16.png", TestPngWriter.Write(11, 9, 6, 16, Samples(11 * 9 * 4, 65535))));
        seeds.Add(("gray2-key.png", TestPngWriter.Write(23, 7, 0, 2, Samples(23 * 7, 3), true, trns: [0, 1])));
        seeds.Add(("gray-alpha.png", TestPngWriter.Write(17, 5, 4, 8, Samples(17 * 5 * 2, 255), idatPieces: 2)));
        seeds.Add(("rgb-key16.png", TestPngWriter.Write(9, 9, 2, 16, Samples(9 * 9 * 3, 65535), true, trns: [0, 1, 0, 2, 0, 3])));
        seeds.Add(("ours.png", PngEncoder.Encode(new Image(30, 20, PixelFormat.Rgb24, Bytes(30 * 20 * 3)))));
        seeds.Add(("rle8.bmp", BmpDecoderTests.Rle8Sample().File));
        seeds.Add(("rle4.bmp", BmpDecoderTests.Rle4Sample().File));
        seeds.Add(("p1.bmp", BmpDecoderTests.Bmp(13, 5, 1, 0, BmpDecoderTests.Rows(13, 5, 1, (x, y) => (uint)((x + y) & 1)), Bytes(8))));
        seeds.Add(("bf565.bmp", BmpDecoderTests.Bmp(7, -3, 16, 3, BmpDecoderTests.Rows(7, 3, 16, (x, y) => (uint)(x * 3001 + y), true), masks: [0xF800, 0x07E0, 0x001F])));
        seeds.Add(("v5-bgra.bmp", BmpDecoderTests.Bmp(5, 4, 32, 3, Bytes(5 * 4 * 4), headerSize: 124, masks: [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000])));
        seeds.Add(("core.bmp", BmpDecoderTests.Bmp(6, 3, 8, 0, Bytes(8 * 3), Bytes(256 * 3), headerSize: 12)));
        seeds.Add(("p3.ppm", Encoding.ASCII.GetBytes("P3\n# c\n3 2\n1000\n0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n")));
        seeds.Add(("p5-16.pgm", [.. "P5 4 3 65535\n"u8, .. Bytes(24)]));
        seeds.Add(("p4.pbm", [.. "P4 10 3\n"u8, .. Bytes(6)]));
        seeds.Add(("p1.pbm", "P1 4 2 0101 1 0 0 1"u8.ToArray()));
        return seeds;
    }

    [Fact]
    public void MutatedFilesDecodeOrThrowImageFormatException()
    {
        var seeds = Seeds();
        var options = new ImageDecodeOptions { MaxPixels = 1 << 22 };
        var rng = new Random(20240601);
        var failures = new List<string>();
        int decoded = 0, rejected = 0;
        var perSeed = new long[seeds.Count];
        var reasons = new Dictionary<string, int>();
        var sw = Stopwatch.StartNew();
        foreach (var (name, data) in seeds) // the seeds themselves must decode
            ImageDecoder.Decode(data, options, name);
        for (int it = 0; it < Iterations; it++)
        {
            var (name, seed) = seeds[it % seeds.Count];
            long t0 = Stopwatch.GetTimestamp();
            var (mutant, how) = Mutate(seed, rng);
            try
            {
                ImageDecoder.Decode(mutant, options, name);
                decoded++;
            }
            catch (ImageFormatException e)
            {
                rejected++;
                string reason = System.Text.RegularExpressions.Regex.Replace(e.Message[(e.Message.LastIndexOf(": ", StringComparison.Ordinal) + 2)..], "[0-9]+", "#");
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            catch (Exception e)
            {
                if (failures.Count < 10)
                    failures.Add($"iteration {it}, {name}, {how}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                else
                    failures.Add("");
            }
            perSeed[it % seeds.Count] += Stopwatch.GetTimestamp() - t0;
        }
        sw.Stop();
        output.WriteLine($"{Iterations} mutants of {seeds.Count} seeds in {sw.ElapsedMilliseconds} ms: {decoded} decoded, {rejected} rejected, {failures.Count} failures");
        output.WriteLine($"{reasons.Count} distinct rejection messages; the most common:");
        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value).Take(25))
            output.WriteLine($"  {count,5} {reason}");
        output.WriteLine("slowest seeds:");
        foreach (int i in Enumerable.Range(0, seeds.Count).OrderByDescending(i => perSeed[i]).Take(5))
            output.WriteLine($"  {seeds[i].Name}: {perSeed[i] * 1000 / Stopwatch.Frequency} ms");
        Assert.True(failures.Count == 0, $"{failures.Count} mutants threw something other than ImageFormatException:\n{string.Join("\n", failures.Where(f => f.Length > 0))}");
        Assert.True(rejected > Iterations / 10 && decoded > Iterations / 20, $"the mutations look ineffective: {decoded} decoded, {rejected} rejected");
    }

    private static (byte[] Data, string How) Mutate(byte[] seed, Random rng)
    {
        var d = (byte[])seed.Clone();
        int kind = rng.Next(6);
        string how;
        switch (kind)
        {
            case 0: // a few random bytes anywhere
            case 1:
            {
                int n = 1 + rng.Next(8);
                for (int i = 0; i < n; i++)
                    d[rng.Next(d.Length)] = (byte)rng.Next(256);
                how = $"{n} random bytes";
                break;
            }
            case 2: // bytes in the headers (the first 64), biased to extreme values
            {
                int n = 1 + rng.Next(4);
                for (int i = 0; i < n; i++)
                    d[rng.Next(Math.Min(64, d.Length))] = rng.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)rng.Next(256) };
                how = $"{n} header bytes";
                break;
            }
            case 3: // truncation
            {
                int len = rng.Next(d.Length);
                d = d[..len];
                how = $"truncated to {len}";
                break;
            }
            case 4: // a block removed or duplicated
            {
                int a = rng.Next(d.Length), len = 1 + rng.Next(Math.Min(64, d.Length - a));
                d = rng.Next(2) == 0 ? [.. d[..a], .. d[(a + len)..]] : [.. d[..(a + len)], .. d[a..]];
                how = $"block at {a} of {len} removed/duplicated";
                break;
            }
            default: // bit flips
            {
                int n = 1 + rng.Next(16);
                for (int i = 0; i < n; i++)
                    d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                how = $"{n} bit flips";
                break;
            }
        }
        if (PngDecoder.IsPng(d) && rng.Next(4) != 0)
        {
            FixPngCrcs(d);
            how += ", CRCs repaired";
        }
        return (d, how);
    }

    /// <summary>Recomputes the CRC of every chunk whose declared length fits the data.</summary>
    private static void FixPngCrcs(byte[] d)
    {
        int pos = 8;
        while (pos + 12 <= d.Length)
        {
            uint len = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos));
            if (len > d.Length - pos - 12)
                return;
            BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(pos + 8 + (int)len), PngCrc32.Compute(d.AsSpan(pos + 4, (int)len + 4))); // the table CRC: fast, and not under test here
            pos += 12 + (int)len;
        }
    }
}
