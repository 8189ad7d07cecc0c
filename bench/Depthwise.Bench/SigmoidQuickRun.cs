using System.Diagnostics;
using System.Runtime.Intrinsics;
using Depthwise.Kernels;
using Depthwise.Kernels.Elementwise;

namespace Depthwise.Bench;

/// <summary>
/// Interleaved Stopwatch timing of the fused SiLU post-pass (<c>sigmoid-quick [rounds]</c>): the current
/// <see cref="F32SigmoidEpilogue"/> against the earlier form (<see cref="VectorExp"/> then a division) and two dropped
/// experiments, over EfficientNet-B0's block-2.0 expand output (1.2 M floats), one of its 16 GEMM chunks (75 K floats,
/// in L2) and an L1-sized block. Prints median nanoseconds per element, the refill copy subtracted. AVX-512 only.
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
                ("rcp14+Newton SiLU", d => Experiment512(d, reciprocal: true)),
                ("multiply-not-divide SiLU", d => Experiment512(d, reciprocal: false)),
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

    /// <summary>
    /// Experiments on the |x| form (a sign select, then a NaN select): the division replaced by vrcp14ps plus one
    /// Newton step, or by a plain multiply (wrong values; it shows what the division costs). Neither was faster.
    /// </summary>
    private static unsafe void Experiment512(float[] y, bool reciprocal)
    {
        fixed (float* p0 = y)
        {
            int n = y.Length;
            for (int i = 0; i + 16 <= n; i += 16)
            {
                var x = Vector512.Load(p0 + i);
                var a = Vector512.MinNative(Vector512.Abs(x), Vector512.Create(87.3f));
                var k = Vector512.FusedMultiplyAdd(a, Vector512.Create(-1.44269504088896341f), Vector512.Create(12583039f));
                var nn = k - Vector512.Create(12583039f);
                var r = Vector512.FusedMultiplyAdd(nn, Vector512.Create(0.693359375f), a);
                r = Vector512.FusedMultiplyAdd(nn, Vector512.Create(-2.12194440e-4f), r);
                var q = Vector512.FusedMultiplyAdd(Vector512.Create(0.0013933647f), r, Vector512.Create(-0.008369154f));
                q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(0.041666467f));
                q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(-0.16666505f));
                q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(0.5f));
                q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(-1f));
                q = Vector512.FusedMultiplyAdd(q, r, Vector512<float>.One);
                var z = q * (k.AsInt32() << 23).AsSingle();
                var num = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), z, Vector512<float>.One);
                var d = Vector512<float>.One + z;
                Vector512<float> s;
                if (reciprocal)
                {
                    var r0 = System.Runtime.Intrinsics.X86.Avx512F.Reciprocal14(d);
                    var e = Vector512.FusedMultiplyAdd(-d, r0, Vector512<float>.One);
                    r0 = Vector512.FusedMultiplyAdd(r0, e, r0);
                    s = num * r0;
                }
                else s = num * d;
                s = Vector512.ConditionalSelect(Vector512.Equals(x, x), s, x);
                (x * s).Store(p0 + i);
            }
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
