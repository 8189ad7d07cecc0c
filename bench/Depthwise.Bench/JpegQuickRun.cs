using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Depthwise.Vision.Codecs;

namespace Depthwise.Bench;

/// <summary>
/// JPEG decode timing (<c>dotnet run -c Release -- jpeg-quick [rounds]</c>): decodes a few shared images (progressive,
/// baseline 4:2:0, 4:4:4, small ImageNet) with <see cref="JpegDecoder"/>, and runs libjpeg-turbo's
/// <c>tjbench</c> (same library and defaults as djpeg, in-process, SIMD) on the same files for the ratio. Prints
/// milliseconds per decode (mean over a 0.5 s loop, best of <c>rounds</c> loops; tjbench the same, best of three) and megapixels per second.
/// </summary>
public static partial class JpegQuickRun
{
    /// <summary>The images timed, relative to the shared images folder.</summary>
    public static readonly string[] Files =
    [
        "tflite-support/cats_and_dogs.jpg",
        "imagenet-sample/n01924916_flatworm.JPEG",
        "coral/kite_and_cold.jpg",
        "imagenet-sample/n01440764_tench.JPEG",
    ];

    /// <summary>The shared images folder, or null.</summary>
    public static string? SharedImages()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "test.sh"))) d = d.Parent;
        string[] candidates = d is null ? ["/work/shared/images"] : [Path.Combine(d.FullName, "..", "shared", "images"), "/work/shared/images"];
        return candidates.Select(Path.GetFullPath).FirstOrDefault(Directory.Exists);
    }

    /// <summary>Runs the timing and prints one line per image.</summary>
    public static void Run(int rounds)
    {
        var root = SharedImages();
        if (root is null)
        {
            Console.WriteLine("shared images not found");
            return;
        }
        Console.WriteLine($"{"image",-42}{"size",11}{"kind",-14}{"ours ms",9}{"MP/s",7}{"tjbench ms",12}{"ratio",7}");
        foreach (var rel in Files)
        {
            var path = Path.Combine(root, rel);
            if (!File.Exists(path)) continue;
            var data = File.ReadAllBytes(path);
            var info = JpegDecoder.Identify(data);
            var options = new ImageDecodeOptions { ApplyExifOrientation = false };
            long w0 = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(w0).TotalMilliseconds < 300) JpegDecoder.Decode(data, options);
            // Like tjbench: the mean over a 0.5 s loop, best of three loops (a shared machine's load hits both alike).
            double ms = double.MaxValue;
            for (int r = 0; r < rounds; r++)
            {
                int n = 0;
                long t0 = Stopwatch.GetTimestamp();
                do
                {
                    JpegDecoder.Decode(data, options);
                    n++;
                }
                while (Stopwatch.GetElapsedTime(t0).TotalSeconds < 0.5);
                ms = Math.Min(ms, Stopwatch.GetElapsedTime(t0).TotalMilliseconds / n);
            }
            double mp = info.Width * (double)info.Height / 1e6;
            double? tj = Enumerable.Range(0, 3).Select(_ => TjbenchMilliseconds(path)).Min();
            string kind = info.IsProgressive ? "progressive" : "baseline";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rel,-42}{$"{info.Width}x{info.Height}",11} {kind,-13}{ms,9:F2}{mp / ms * 1000,7:F0}{(tj is null ? "n/a" : tj.Value.ToString("F2", CultureInfo.InvariantCulture)),12}{(tj is null ? "" : (ms / tj.Value).ToString("F2", CultureInfo.InvariantCulture)),7}"));
        }
    }

    /// <summary>libjpeg-turbo's decode time for the file from <c>tjbench FILE -benchtime 1</c> (frame rate → ms), or null.</summary>
    private static double? TjbenchMilliseconds(string path)
    {
        try
        {
            var psi = new ProcessStartInfo("tjbench") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { path, "-benchtime", "0.5", "-warmup", "0.5" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            var m = FrameRate().Match(text);
            return m.Success ? 1000 / double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"Decompress\s+-->\s+Frame rate:\s+([0-9.]+)")]
    private static partial Regex FrameRate();
}
