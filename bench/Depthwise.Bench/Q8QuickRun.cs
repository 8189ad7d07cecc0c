using System.Diagnostics;
using System.Globalization;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Bench;

/// <summary>
/// An interleaved Stopwatch sweep of the quantized kernels (<c>dotnet run -c Release -- q8-quick [rounds]</c>):
/// every round times the fp32 kernel the plan would pick and each supported quantized variant (TFLite fixed point
/// and ONNX Runtime requantization) on one MobileNetV2 layer, back to back, so load from other processes hits them
/// alike. Prints median GMAC/s, single thread, and the int8/fp32 ratio of the widest variants.
/// </summary>
public static class Q8QuickRun
{
    /// <summary>Runs both sweeps (only the depthwise one when <paramref name="depthwiseOnly"/>).</summary>
    public static void Run(int rounds, bool depthwiseOnly = false)
    {
        var gemm = depthwiseOnly ? [] : Q8GemmCatalog.Supported;
        Console.WriteLine($"{"GEMM shape",-13}{"fp32",8}" + string.Concat(gemm.Select(v => $"{v.Name + " TFL",24}{"ORT",8}")) + $"{"q8/f32",8}");
        foreach (var shape in depthwiseOnly ? [] : GemmShape.MobileNetV2)
        {
            var cases = new List<(Action Run, long Macs)> { (new GemmProblem(shape, GemmCatalog.Best).Run, shape.Macs) };
            foreach (var v in gemm)
            {
                cases.Add((new Q8GemmProblem(shape, v, RequantizeMode.TfLiteFixedPoint).Run, shape.Macs));
                cases.Add((new Q8GemmProblem(shape, v, RequantizeMode.FloatRoundHalfEven).Run, shape.Macs));
            }
            var g = Measure(cases, rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Name,-13}{g[0],8:F1}") +
                string.Concat(Enumerable.Range(0, gemm.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{g[1 + 2 * i],24:F1}{g[2 + 2 * i],8:F1}"))) +
                string.Create(CultureInfo.InvariantCulture, $"{g[1] / g[0],8:F2}"));
        }
        var dw = Q8DepthwiseConvCatalog.Supported;
        Console.WriteLine();
        Console.WriteLine($"{"depthwise",-13}{"fp32",8}" + string.Concat(dw.Select(v => $"{v.Name + " TFL",28}{"ORT",8}")) + $"{"q8/f32",8}");
        foreach (var shape in DepthwiseShape.MobileNetV2)
        {
            var cases = new List<(Action Run, long Macs)> { (new DepthwiseProblem(shape, dw[0], RequantizeMode.TfLiteFixedPoint).RunF32, shape.Macs) };
            foreach (var v in dw)
            {
                cases.Add((new DepthwiseProblem(shape, v, RequantizeMode.TfLiteFixedPoint).RunQ8, shape.Macs));
                cases.Add((new DepthwiseProblem(shape, v, RequantizeMode.FloatRoundHalfEven).RunQ8, shape.Macs));
            }
            var g = Measure(cases, rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Name,-13}{g[0],8:F1}") +
                string.Concat(Enumerable.Range(0, dw.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{g[1 + 2 * i],28:F1}{g[2 + 2 * i],8:F1}"))) +
                string.Create(CultureInfo.InvariantCulture, $"{g[1] / g[0],8:F2}"));
        }
    }

    private static double[] Measure(List<(Action Run, long Macs)> cases, int rounds)
    {
        var samples = cases.Select(_ => new List<double>()).ToArray();
        foreach (var c in cases)
        {
            long w0 = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(w0).TotalMilliseconds < 100) c.Run();
        }
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < cases.Count; i++)
            {
                var (run, macs) = cases[i];
                int reps = Math.Max(1, (int)(10_000_000 / Math.Max(1, macs)));
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) run();
                samples[i].Add(macs * (double)reps / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9);
            }
        return samples.Select(s => { s.Sort(); return s[s.Count / 2]; }).ToArray();
    }
}
