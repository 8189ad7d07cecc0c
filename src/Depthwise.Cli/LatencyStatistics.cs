namespace Depthwise.Cli;

/// <summary>
/// Order statistics of measured run times, in milliseconds. Percentiles are nearest-rank on the sorted times with the
/// same indices as the ONNX Runtime peer (tools/ort/run.js): median = sorted[n / 2], p90 = sorted[min(n - 1, ⌊0.9 n⌋)],
/// so both sides of a comparison are summarized alike.
/// </summary>
internal sealed record LatencyStatistics(int Count, double MinMs, double MedianMs, double P90Ms, double MaxMs, double MeanMs, double StdDevMs)
{
    /// <summary>Statistics of <paramref name="milliseconds"/> (at least one time).</summary>
    public static LatencyStatistics Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) throw new ArgumentException("no times", nameof(milliseconds));
        var sorted = milliseconds.Order().ToArray();
        int n = sorted.Length;
        double mean = sorted.Average();
        double variance = n > 1 ? sorted.Sum(t => (t - mean) * (t - mean)) / (n - 1) : 0;
        return new LatencyStatistics(n, sorted[0], sorted[n / 2], sorted[Math.Min(n - 1, (int)Math.Floor(n * 0.9))],
            sorted[^1], mean, Math.Sqrt(variance));
    }
}
