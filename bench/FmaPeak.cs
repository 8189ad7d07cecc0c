#:property PublishAot=false
#:property TieredCompilation=false
// Measures the machine's fp32 multiply-accumulate peak: the denominator of "% of peak" in bench/compare.sh.
// usage: dotnet run -c Release --file bench/FmaPeak.cs -- [--threads N] [--reps R]
// Runs, on N threads at once, a loop of independent fused multiply-adds (12 accumulators: enough to cover the FMA
// latency on two pipes) at every vector width the CPU has (512, 256, 128 bits), R times each, and prints one JSON line:
// {"threads":N,"gmacs":best total over widths and repetitions,"width_bits":the best width,"per_width":{...}}.
// The best repetition is the peak: on a shared machine the others are slowed by whatever else runs.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

int threads = 1, reps = 7;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--threads" && i + 1 < args.Length) threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--reps" && i + 1 < args.Length) reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else { Console.Error.WriteLine("usage: FmaPeak.cs [--threads N] [--reps R]"); return 2; }
}
if (threads < 1 || reps < 1) { Console.Error.WriteLine("--threads and --reps must be positive"); return 2; }

var widths = new List<(int Bits, Func<long, float> Loop)>();
if (Vector512.IsHardwareAccelerated) widths.Add((512, FmaPeak.Loop512));
if (Vector256.IsHardwareAccelerated) widths.Add((256, FmaPeak.Loop256));
widths.Add((128, FmaPeak.Loop128));

var best = new Dictionary<int, double>();
foreach (var (bits, loop) in widths)
{
    loop(1000);   // compiled before timing
    long iterations = 4_000_000 * 16 / (bits / 32);   // ~50 ms per repetition at the peak, whatever the width
    double top = 0;
    for (int r = 0; r < reps; r++)
    {
        using var start = new Barrier(threads + 1);
        var sinks = new float[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            sinks[t] = loop(iterations);
        })).ToArray();
        foreach (var w in workers) w.Start();
        start.SignalAndWait();
        long t0 = Stopwatch.GetTimestamp();
        foreach (var w in workers) w.Join();
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        if (sinks.Any(float.IsNaN)) throw new InvalidOperationException("unexpected NaN");
        double macs = (double)iterations * FmaPeak.Accumulators * (bits / 32) * threads;
        top = Math.Max(top, macs / seconds / 1e9);
    }
    best[bits] = top;
}
var winner = best.MaxBy(kv => kv.Value);
string perWidth = string.Join(",", best.Select(kv => $"\"{kv.Key}\":{kv.Value.ToString("F1", CultureInfo.InvariantCulture)}"));
Console.WriteLine($"{{\"threads\":{threads},\"gmacs\":{winner.Value.ToString("F1", CultureInfo.InvariantCulture)},\"width_bits\":{winner.Key},\"per_width\":{{{perWidth}}}}}");
return 0;

/// <summary>The FMA loops, one per vector width; each returns a value derived from every accumulator so none is dead code.</summary>
internal static class FmaPeak
{
    /// <summary>Independent accumulators per loop iteration.</summary>
    public const int Accumulators = 12;

    // x ← x·a + b with a < 1 converges to b / (1 − a): the values stay finite however long the loop runs.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Loop512(long iterations)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(0.001f);
        Vector512<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6;
        Vector512<float> c6 = b * 7, c7 = b * 8, c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b); c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b); c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Loop256(long iterations)
    {
        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(0.001f);
        Vector256<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6;
        Vector256<float> c6 = b * 7, c7 = b * 8, c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b); c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b); c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Loop128(long iterations)
    {
        var a = Vector128.Create(0.999f);
        var b = Vector128.Create(0.001f);
        Vector128<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6;
        Vector128<float> c6 = b * 7, c7 = b * 8, c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector128.FusedMultiplyAdd(c0, a, b); c1 = Vector128.FusedMultiplyAdd(c1, a, b);
            c2 = Vector128.FusedMultiplyAdd(c2, a, b); c3 = Vector128.FusedMultiplyAdd(c3, a, b);
            c4 = Vector128.FusedMultiplyAdd(c4, a, b); c5 = Vector128.FusedMultiplyAdd(c5, a, b);
            c6 = Vector128.FusedMultiplyAdd(c6, a, b); c7 = Vector128.FusedMultiplyAdd(c7, a, b);
            c8 = Vector128.FusedMultiplyAdd(c8, a, b); c9 = Vector128.FusedMultiplyAdd(c9, a, b);
            c10 = Vector128.FusedMultiplyAdd(c10, a, b); c11 = Vector128.FusedMultiplyAdd(c11, a, b);
        }
        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
