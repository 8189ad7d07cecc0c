using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Depthwise.Bench;

/// <summary>
/// Throughput columns for <see cref="GemmBenchmarks"/>, from the median time: GMAC/s, percent of the per-core
/// fp32 FMA peak (measured once by <see cref="FmaPeakProbe"/> at the widest vector width, after the benchmarks ran;
/// DEPTHWISE_PEAK_GMACS overrides it) and the speed-up over the scalar variant on the same shape.
/// </summary>
public sealed class GmacsColumn(GmacsColumn.Kind kind) : IColumn
{
    /// <summary>Which figure the column shows.</summary>
    public enum Kind
    {
        /// <summary>Giga multiply-accumulates per second.</summary>
        Throughput,

        /// <summary>Percent of the per-core peak.</summary>
        ShareOfPeak,

        /// <summary>Scalar median time / this median time.</summary>
        SpeedupOverScalar,
    }

    private static readonly Lazy<double> Peak = new(() =>
        double.TryParse(Environment.GetEnvironmentVariable("DEPTHWISE_PEAK_GMACS"), NumberStyles.Float,
            CultureInfo.InvariantCulture, out double p) && p > 0 ? p : FmaPeakProbe.MeasureWidest());

    private static double PeakGmacs => Peak.Value;

    /// <inheritdoc/>
    public string Id => "Gemm" + kind;

    /// <inheritdoc/>
    public string ColumnName => kind switch
    {
        Kind.Throughput => "GMAC/s",
        Kind.ShareOfPeak => "% peak",
        _ => "x scalar",
    };

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => (int)kind;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => kind switch
    {
        Kind.Throughput => "Multiply-accumulates per second (10^9), from the median",
        Kind.ShareOfPeak => string.Create(CultureInfo.InvariantCulture,
            $"Percent of the per-core fp32 FMA peak, {PeakGmacs:F1} GMAC/s (median, measured in this run)"),
        _ => "Median time of the scalar variant on the same shape / this median time",
    };

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? median = Median(summary, benchmarkCase);
        if (median is not { } ns || benchmarkCase.Parameters["Shape"] is not GemmShape shape) return "-";
        double gmacs = shape.Macs / ns;
        switch (kind)
        {
            case Kind.Throughput:
                return gmacs.ToString("F1", CultureInfo.InvariantCulture);
            case Kind.ShareOfPeak:
                return (100 * gmacs / PeakGmacs).ToString("F0", CultureInfo.InvariantCulture);
            default:
                var scalar = summary.BenchmarksCases.FirstOrDefault(c =>
                    Equals(c.Parameters["Shape"], shape) && c.Parameters["Variant"] is string v && v.EndsWith("_Scalar", StringComparison.Ordinal));
                return scalar is not null && Median(summary, scalar) is { } s
                    ? (s / ns).ToString("F1", CultureInfo.InvariantCulture)
                    : "-";
        }
    }

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;

    private static double? Median(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Median;
}
