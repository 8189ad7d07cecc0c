using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Bench;

/// <summary>
/// Measures the single-core fp32 FMA peak the GEMM figures are compared against (<c>-- fma-peak</c>): 12
/// independent accumulator chains of register-only FMAs, 512-bit and 256-bit, median of several runs.
/// </summary>
public static class FmaPeakProbe
{
    private const int Iterations = 20_000_000;

    /// <summary>Prints the peak GMAC/s for each vector width the CPU supports.</summary>
    public static void Run()
    {
        if (Avx512F.IsSupported) Report("512-bit FMA", 16, () => Fma512(Iterations));
        if (Fma.IsSupported) Report("256-bit FMA", 8, () => Fma256(Iterations));
    }

    /// <summary>
    /// One JSON line for bench/compare.sh: <c>{"threads":1,"gmacs":best,"width_bits":bits,"per_width":{...}}</c>, the best
    /// sample at each width (on a shared machine the slower samples are slowed by other jobs, so the best is the peak).
    /// </summary>
    public static string Json()
    {
        var parts = new List<string>();
        double best = double.NaN;
        int bestBits = 0;
        void Add(int bits, int lanes, Func<float> body)
        {
            double b = Measure(lanes, body).Best;
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"\"{bits}\":{b:F1}"));
            if (!(b <= best)) { best = b; bestBits = bits; }
        }
        if (Avx512F.IsSupported) Add(512, 16, () => Fma512(Iterations));
        if (Fma.IsSupported) Add(256, 8, () => Fma256(Iterations));
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"threads\":1,\"gmacs\":{best:F1},\"width_bits\":{bestBits},\"per_width\":{{{string.Join(",", parts)}}}}}");
    }

    /// <summary>Median peak GMAC/s at the widest FMA width available (NaN without FMA).</summary>
    public static double MeasureWidest() =>
        Avx512F.IsSupported ? Measure(16, () => Fma512(Iterations)).Median
        : Fma.IsSupported ? Measure(8, () => Fma256(Iterations)).Median
        : double.NaN;

    /// <summary>One short timing (≈ 2 ms) of the widest FMA: the per-round reference of the quick sweep.</summary>
    public static double MeasureOnce()
    {
        const int n = Iterations / 50;
        int lanes = Avx512F.IsSupported ? 16 : 8;
        long t0 = Stopwatch.GetTimestamp();
        if (Avx512F.IsSupported) Fma512(n);
        else if (Fma.IsSupported) Fma256(n);
        else return double.NaN;
        return 12.0 * lanes * n / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
    }

    private static void Report(string name, int lanes, Func<float> body)
    {
        var (median, best) = Measure(lanes, body);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: median {median:F1} GMAC/s, best {best:F1} GMAC/s (fp32, one core)"));
    }

    private static (double Median, double Best) Measure(int lanes, Func<float> body)
    {
        body();
        var samples = new List<double>();
        for (int i = 0; i < 9; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body();
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            samples.Add(12.0 * lanes * Iterations / s / 1e9);
        }
        samples.Sort();
        return (samples[samples.Count / 2], samples[^1]);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma512(int n)
    {
        Vector512<float> a = Vector512.Create(0.999f), b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512<float>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector512<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < n; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma256(int n)
    {
        Vector256<float> a = Vector256.Create(0.999f), b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256<float>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector256<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < n; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b); c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
