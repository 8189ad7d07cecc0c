using System.Diagnostics;
using System.Runtime.Intrinsics;
using Depthwise.Kernels;
using Depthwise.Kernels.Elementwise;

namespace Depthwise.Bench;

/// <summary>
/// Interleaved Stopwatch timing of the fused SiLU post-pass (<c>sigmoid-quick [rounds]</c>): the current
/// <see cref="F32SigmoidEpilogue"/> against the earlier form (<see cref="VectorExp"/> then a division), over
/// EfficientNet-B0's block-2.0 expand output (1.2 M floats) and over one of its 16 GEMM chunks (75 K floats, in L2).
/// Prints median cycles-equivalent nanoseconds per element.
/// </summary>
public static class SigmoidQuickRun
{
    /// <summary>Runs the comparison and prints one line per size.</summary>
    public static void Run(int rounds)
    {
        foreach (int n in new[] { 112 * 112 * 96, 112 * 112 * 96 / 16, 4096 })
        {
            var data = new float[n];
            var rng = new Random(1);
            var source = new float[n];
            for (int i = 0; i < n; i++) source[i] = (float)(rng.NextDouble() * 12 - 6);
            var cases = new (string Name, Action<float[]> Run)[]
            {
                ("old SiLU", d => OldSilu(d)),
                ("new SiLU", d => F32SigmoidEpilogue.Apply(d, default, silu: true)),
                ("old Sigmoid", d => OldSigmoid(d)),
                ("new Sigmoid", d => F32SigmoidEpilogue.Apply(d, default, silu: false)),
            };
            var samples = cases.Select(_ => new List<double>()).ToArray();
            int reps = Math.Max(1, 20_000_000 / n);
            foreach (var c in cases) { source.CopyTo(data, 0); c.Run(data); }
            for (int round = 0; round < rounds; round++)
                for (int k = 0; k < cases.Length; k++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    for (int r = 0; r < reps; r++) { source.CopyTo(data, 0); cases[k].Run(data); }
                    samples[k].Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / reps / n);
                }
            // The copy is part of every sample; time it alone so it can be subtracted.
            var copy = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) source.CopyTo(data, 0);
                copy.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / reps / n);
            }
            double copyNs = Median(copy);
            Console.WriteLine($"n={n,8}: copy {copyNs:F3} ns/elem; " +
                string.Join("; ", cases.Select((c, k) => $"{c.Name} {Median(samples[k]) - copyNs:F3}")));
        }
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s[s.Length / 2];
    }

    private static void OldSilu(float[] y)
    {
        int i = 0;
        for (; i + 16 <= y.Length; i += 16)
        {
            var x = Vector512.Create(y.AsSpan(i, 16));
            var s = Vector512<float>.One / (Vector512<float>.One + VectorExp.Exp(-x));
            (x * s).CopyTo(y.AsSpan(i, 16));
        }
    }

    private static void OldSigmoid(float[] y)
    {
        int i = 0;
        for (; i + 16 <= y.Length; i += 16)
        {
            var x = Vector512.Create(y.AsSpan(i, 16));
            var s = Vector512<float>.One / (Vector512<float>.One + VectorExp.Exp(-x));
            s.CopyTo(y.AsSpan(i, 16));
        }
    }
}
