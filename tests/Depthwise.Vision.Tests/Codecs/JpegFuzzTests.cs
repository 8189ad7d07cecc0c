using System.Diagnostics;
using Depthwise.Vision.Codecs;
using Xunit.Abstractions;
using static Depthwise.Vision.Tests.Codecs.JpegTestTools;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// Mutation fuzzing: thousands of damaged copies (one to four of: bit flips, truncations, corrupted segment lengths,
/// injected markers, cut or repeated chunks) of small JPEGs in several layouts. Each must decode or throw <see cref="ImageFormatException"/>
/// — never another exception, a hang or a huge allocation (the pixel limit is small).
/// </summary>
public class JpegFuzzTests(ITestOutputHelper output)
{
    private static readonly ImageDecodeOptions Small = new() { MaxPixels = 1 << 16 };

    private static List<(string Name, byte[] Data)> Corpus()
    {
        var corpus = new List<(string, byte[])>
        {
            ("baseline 4:2:0 restarts", JpegSamples.Baseline420Restarts),
            ("progressive 4:2:2", JpegSamples.Progressive422),
            ("progressive gray", JpegSamples.ProgressiveGray),
        };
        if (ToolsUnavailable is null)
        {
            using var tmp = NewTempDir();
            var ppm = tmp.File("src.ppm");
            WritePnm(ppm, JpegVariantTests.Synthetic(37, 21));
            foreach (var args in new[] { "-sample 1x1 -restart 1B -progressive", "-sample 2x2 -optimize", "-sample 1x2 -progressive", "-rgb -sample 4x1,1x1,1x1" })
            {
                var jpeg = tmp.File("c.jpg");
                RunOk("cjpeg", [.. args.Split(' '), "-outfile", jpeg, ppm]);
                corpus.Add(("cjpeg " + args, File.ReadAllBytes(jpeg)));
            }
        }
        if (PillowUnavailable is null)
        {
            using var tmp = NewTempDir();
            var ppm = tmp.File("src.ppm");
            WritePnm(ppm, JpegVariantTests.Synthetic(19, 13));
            var jpeg = tmp.File("cmyk.jpg");
            Python($"Image.open('{ppm}').convert('CMYK').save('{jpeg}', progressive=True)");
            corpus.Add(("Pillow CMYK progressive", File.ReadAllBytes(jpeg)));
        }
        var shared = SharedJpegs.OrderBy(f => new FileInfo(f).Length).FirstOrDefault();
        if (shared is not null) corpus.Add((Path.GetFileName(shared), File.ReadAllBytes(shared)));
        return corpus;
    }

    /// <summary>Offsets of the marker segments before the first scan (and of the scan header).</summary>
    private static List<int> Segments(byte[] d)
    {
        var list = new List<int>();
        int p = 2;
        while (p + 4 <= d.Length && d[p] == 0xFF)
        {
            list.Add(p);
            if (d[p + 1] == 0xDA) break;
            p += 2 + ((d[p + 2] << 8) | d[p + 3]);
        }
        return list;
    }

    private static byte[] Mutate(byte[] src, Random rng, out string what)
    {
        var d = (byte[])src.Clone();
        var segs = Segments(src);
        int headerEnd = segs.Count > 0 ? Math.Min(segs[^1] + 20, d.Length) : d.Length;
        int kind = rng.Next(7);
        if (segs.Count == 0 && kind is 2 or 6) kind = 0; // an earlier mutation broke the segment chain
        switch (kind)
        {
            case 0:
            {
                int n = rng.Next(1, 9);
                bool header = rng.Next(2) == 0;
                for (int i = 0; i < n; i++)
                {
                    int at = header ? rng.Next(headerEnd) : rng.Next(d.Length);
                    d[at] ^= (byte)(1 << rng.Next(8));
                }
                what = $"{n} bit flips ({(header ? "header" : "anywhere")})";
                return d;
            }
            case 1:
            {
                int len = rng.Next(d.Length);
                what = $"truncated to {len}";
                return d.AsSpan(0, len).ToArray();
            }
            case 2:
            {
                int seg = segs[rng.Next(segs.Count)];
                int old = (d[seg + 2] << 8) | d[seg + 3];
                int[] choices = [0, 1, 2, 3, old - 1, old + 1, old * 2, 0xFFFF, rng.Next(0x10000)];
                int v = choices[rng.Next(choices.Length)] & 0xFFFF;
                d[seg + 2] = (byte)(v >> 8);
                d[seg + 3] = (byte)v;
                what = $"segment 0x{d[seg + 1]:X2} at {seg}: length {old} -> {v}";
                return d;
            }
            case 3:
            {
                int at = rng.Next(d.Length - 1);
                byte[] markers = [0xD9, 0xDA, 0xC4, 0xDB, 0xDD, 0xD0, 0xD3, 0xD7, 0xC0, 0xC2, 0xFF, 0x00, 0xE1];
                d[at] = 0xFF;
                d[at + 1] = markers[rng.Next(markers.Length)];
                what = $"marker FF{d[at + 1]:X2} written at {at}";
                return d;
            }
            case 4:
            {
                int at = rng.Next(d.Length);
                int n = rng.Next(1, Math.Min(64, d.Length - at) + 1);
                what = $"{n} bytes cut at {at}";
                return [.. d.AsSpan(0, at), .. d.AsSpan(at + n)];
            }
            case 5:
            {
                int at = rng.Next(d.Length);
                int n = rng.Next(1, Math.Min(200, d.Length - at) + 1);
                int to = rng.Next(d.Length);
                what = $"{n} bytes from {at} repeated at {to}";
                return [.. d.AsSpan(0, to), .. d.AsSpan(at, n), .. d.AsSpan(to)];
            }
            default:
            {
                // Header fields: a random byte of a random header segment set to an extreme.
                int seg = segs[rng.Next(segs.Count)];
                int len = (d[seg + 2] << 8) | d[seg + 3];
                int at = Math.Min(seg + 4 + rng.Next(Math.Max(1, len - 2)), d.Length - 1);
                byte[] values = [0, 1, 0x0F, 0x10, 0x11, 0x44, 0x7F, 0x80, 0xFE, 0xFF];
                d[at] = values[rng.Next(values.Length)];
                what = $"header byte {at} (segment 0x{d[seg + 1]:X2}) = {d[at]}";
                return d;
            }
        }
    }

    [Fact]
    public void MutatedFilesDecodeOrThrowImageFormatException()
    {
        var corpus = Corpus();
        int perFile = 4000 / corpus.Count;
        int decoded = 0, refused = 0;
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;
        string slowestWhat = "";
        var total = Stopwatch.StartNew();
        foreach (var (name, data) in corpus)
        {
            var rng = new Random(name.Length * 7919 + data.Length);
            for (int i = 0; i < perFile; i++)
            {
                // One to four mutations on top of each other.
                var mutant = Mutate(data, rng, out var what);
                for (int extra = rng.Next(4); extra > 0 && mutant.Length > 8; extra--)
                {
                    mutant = Mutate(mutant, rng, out var more);
                    what += " + " + more;
                }
                var t = Stopwatch.StartNew();
                try
                {
                    var image = JpegDecoder.Decode(mutant, Small);
                    Assert.True(image.Width > 0 && image.Height > 0);
                    decoded++;
                }
                catch (ImageFormatException)
                {
                    refused++;
                }
                catch (Exception e)
                {
                    if (failures.Count < 10)
                        failures.Add($"{name} #{i} ({what}): {e.GetType().Name}: {e.Message}\n  {Convert.ToBase64String(mutant)}\n{e.StackTrace}");
                }
                if (t.Elapsed > slowest)
                {
                    slowest = t.Elapsed;
                    slowestWhat = $"{name} #{i} ({what})";
                }
            }
        }
        output.WriteLine($"{corpus.Count} seeds, {decoded + refused + failures.Count} mutants: {decoded} decoded, {refused} refused, " +
                         $"{failures.Count} other exceptions; {total.Elapsed.TotalSeconds:F1} s; slowest {slowest.TotalMilliseconds:F1} ms: {slowestWhat}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"a mutant took {slowest}: {slowestWhat}");
    }
}
