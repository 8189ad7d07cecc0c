using System.Diagnostics;
using System.Globalization;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Bench;

/// <summary>
/// A fast Stopwatch sweep for tuning (<c>dotnet run -c Release -- gemm-quick [rounds]</c>): median GMAC/s of
/// every supported variant on every shape, interleaving variants so machine noise hits them alike. The
/// BenchmarkDotNet class <see cref="GemmBenchmarks"/> is the measurement of record.
/// </summary>
public static class GemmQuickRun
{
    /// <summary>Runs the sweep and prints one table.</summary>
    public static void Run(int rounds)
    {
        var variants = GemmCatalog.Supported;
        Console.WriteLine($"{"shape",-14}" + string.Concat(variants.Select(v => $"{v.Name,26}")));
        foreach (var shape in GemmShape.MobileNetV2)
        {
            var problems = variants.Select(v => new GemmProblem(shape, v)).ToArray();
            var samples = problems.Select(_ => new List<double>()).ToArray();
            foreach (var p in problems)
            {
                long w0 = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(w0).TotalMilliseconds < 200) p.Run();
            }
            for (int round = 0; round < rounds; round++)
            {
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
            Console.WriteLine($"{shape.Name,-14}" + string.Concat(samples.Select(s =>
                $"{Median(s).ToString("F1", CultureInfo.InvariantCulture),26}")));
        }
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
    }
}
