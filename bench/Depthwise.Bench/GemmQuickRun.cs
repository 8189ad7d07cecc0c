using System.Diagnostics;
using System.Globalization;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Bench;

/// <summary>
/// An interleaved Stopwatch sweep (<c>dotnet run -c Release -- gemm-quick [rounds]</c>): every round times every
/// supported variant on a shape and the FMA peak probe back to back, so load from other processes hits them alike.
/// Prints median GMAC/s per cell and, in brackets, the percentage of the peak measured in the same rounds. On a
/// shared machine this is steadier than <see cref="GemmBenchmarks"/>, which runs one case at a time.
/// </summary>
public static class GemmQuickRun
{
    /// <summary>Runs the sweep and prints one table.</summary>
    public static void Run(int rounds)
    {
        var variants = GemmCatalog.Supported;
        Console.WriteLine($"{"shape",-13}{"peak",7}" + string.Concat(variants.Select(v => $"{v.Name,27}")));
        foreach (var shape in GemmShape.MobileNetV2)
        {
            var problems = variants.Select(v => new GemmProblem(shape, v)).ToArray();
            var samples = problems.Select(_ => new List<double>()).ToArray();
            var peaks = new List<double>();
            foreach (var p in problems)
            {
                long w0 = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(w0).TotalMilliseconds < 200) p.Run();
            }
            for (int round = 0; round < rounds; round++)
            {
                peaks.Add(FmaPeakProbe.MeasureOnce());
                for (int i = 0; i < problems.Length; i++)
                {
                    var p = problems[i];
                    int reps = Math.Max(1, (int)(20_000_000 / Math.Max(1, shape.Macs)));
                    p.Run();
                    long t0 = Stopwatch.GetTimestamp();
                    for (int r = 0; r < reps; r++) p.Run();
                    double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    samples[i].Add(shape.Macs * (double)reps / seconds / 1e9);
                }
            }
            double peak = Median(peaks);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Name,-13}{peak,7:F1}") +
                string.Concat(samples.Select(s =>
                {
                    double g = Median(s);
                    return string.Create(CultureInfo.InvariantCulture, $"{$"{g:F1} ({100 * g / peak:F0}%)",27}");
                })));
        }
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
    }
}
