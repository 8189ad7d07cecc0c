using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Depthwise.Bench;

/// <summary>
/// In-process (no per-benchmark project build, so it works on any SDK the host runs on), a fixed number of
/// iterations, medians, and the throughput columns: GMAC/s, share of the per-core FMA peak measured in the same
/// process, and speed-up over the scalar variant of the same shape (the peer in the same run).
/// </summary>
public sealed class GemmBenchConfig : ManualConfig
{
    /// <summary>Builds the config.</summary>
    public GemmBenchConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithId("InProcess"));
        AddColumn(StatisticColumn.Median);
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(32));
        AddColumn(new GmacsColumn(GmacsColumn.Kind.Throughput), new GmacsColumn(GmacsColumn.Kind.ShareOfPeak),
            new GmacsColumn(GmacsColumn.Kind.SpeedupOverScalar));
    }
}
