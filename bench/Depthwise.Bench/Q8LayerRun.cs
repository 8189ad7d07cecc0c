using System.Diagnostics;
using System.Globalization;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Bench;

/// <summary>
/// <c>q8-layers [rounds]</c>: the int8 MobileNetV2 pointwise layers that run below the GEMM's peak, timed interleaved
/// (single thread, best quantized variant; the ONNX model's form, uint8 A × int8 B with ONNX Runtime's requantization, then the TFLite uint8 models' form with TFLite's) from 8-bit A
/// from A already widened to int16, so the widening's share shows, and with <see cref="Q8VnniGemm"/> where AVX-VNNI is present.
/// </summary>
public static class Q8LayerRun
{
    private static readonly GemmShape[] Shapes =
    [
        new("Conv_5 K16 N96", 112 * 112, 16, 96), new("Conv_4 K32 N16", 112 * 112, 32, 16),
        new("Conv_14 K144 N24", 56 * 56, 144, 24), new("Conv_9 K96 N24", 56 * 56, 96, 24),
        new("Conv_10 K24 N144", 56 * 56, 24, 144), new("Gemm M1 K1280 N1000", 1, 1280, 1000),
        new("Conv_65 K576 N96", 14 * 14, 576, 96),
    ];

    /// <summary>Runs the sweep.</summary>
    public static void Run(int rounds)
    {
        var v = Q8GemmCatalog.Best;
        Console.WriteLine($"{v.Name}: GMAC/s medians (8-bit A, int16 A){(Q8VnniGemm.IsSupported ? ", " + Q8VnniGemm.Name : "")}");
        foreach (var (shape, tflite) in Shapes.Select(s => (s, false)).Concat(Shapes.Select(s => (s, true))))
        {
            if (shape == Shapes[0]) Console.WriteLine(tflite ? "TFLite form: uint8 weights (zero point 120), fixed point" : "ONNX form: int8 weights, float rounding");
            var p = new Q8GemmProblem(shape, v, tflite ? RequantizeMode.TfLiteFixedPoint : RequantizeMode.FloatRoundHalfEven, tflite);
            var cases = new List<(Action, long)> { (p.Run, shape.Macs), (p.RunWidened, shape.Macs) };
            if (Q8VnniGemm.IsSupported) cases.Add((p.RunVnni, shape.Macs));
            var g = Measure(cases, rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Name,-22}{g[0],8:F1}{g[1],8:F1}{(g.Length > 2 ? g[2] : 0),8:F1}   {shape.Macs / g[0] / 1e3,8:F1} us") +
                (g.Length > 2 ? string.Create(CultureInfo.InvariantCulture, $" {shape.Macs / g[2] / 1e3,8:F1} us") : ""));
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
