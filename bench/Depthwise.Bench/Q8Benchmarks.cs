using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Bench;

/// <summary>
/// Quantized GEMM (uint8 activations, int8 per-channel weights) on MobileNetV2's pointwise shapes, every supported
/// variant with both requantizations, next to the fp32 GEMM the float plan uses on the same shape (the peer in the
/// same run: the "x fp32" column).
/// </summary>
[Config(typeof(Q8BenchConfig))]
public class Q8GemmBenchmarks
{
    private Action? _run;

    /// <summary>The layer shape.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.MobileNetV2[0];

    /// <summary>"fp32" or a quantized variant and requantization, e.g. <c>Q8Gemm_7x32_V512 FloatRoundHalfEven</c>.</summary>
    [ParamsSource(nameof(Kernels))]
    public string Kernel { get; set; } = "fp32";

    /// <summary>Shapes to run.</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.MobileNetV2;

    /// <summary>The fp32 peer and every supported quantized variant × requantization.</summary>
    public static IEnumerable<string> Kernels =>
        new[] { "fp32" }.Concat(Q8GemmCatalog.Supported.Where(v => Q8BenchConfig.Selected(v.Name))
            .SelectMany(v => Enum.GetNames<RequantizeMode>().Select(m => $"{v.Name} {m}")));

    /// <summary>Packs the weights (plan-compile work, not measured).</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Kernel == "fp32")
        {
            _run = new GemmProblem(Shape, GemmCatalog.Best).Run;
            return;
        }
        var parts = Kernel.Split(' ');
        var variant = Q8GemmCatalog.Find(parts[0]) ?? throw new ArgumentException(Kernel);
        _run = new Q8GemmProblem(Shape, variant, Enum.Parse<RequantizeMode>(parts[1])).Run;
    }

    /// <summary>One GEMM over the whole output, single thread.</summary>
    [Benchmark]
    public void Gemm() => _run!();
}

/// <summary>
/// Quantized depthwise 3×3 convolution (uint8 activations, int8 per-channel weights) on MobileNetV2's depthwise
/// layers, every supported variant with both requantizations, next to the fp32 depthwise kernel the float plan picks.
/// </summary>
[Config(typeof(Q8BenchConfig))]
public class Q8DepthwiseBenchmarks
{
    private Action? _run;

    /// <summary>The layer.</summary>
    [ParamsSource(nameof(Shapes))]
    public DepthwiseShape Shape { get; set; } = DepthwiseShape.MobileNetV2[0];

    /// <summary>"fp32" or a quantized variant and requantization.</summary>
    [ParamsSource(nameof(Kernels))]
    public string Kernel { get; set; } = "fp32";

    /// <summary>Layers to run.</summary>
    public static IEnumerable<DepthwiseShape> Shapes => DepthwiseShape.MobileNetV2;

    /// <summary>The fp32 peer and every supported quantized variant × requantization.</summary>
    public static IEnumerable<string> Kernels =>
        new[] { "fp32" }.Concat(Q8DepthwiseConvCatalog.Supported.Where(v => Q8BenchConfig.Selected(v.Name))
            .SelectMany(v => Enum.GetNames<RequantizeMode>().Select(m => $"{v.Name} {m}")));

    /// <summary>Packs the weights.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Kernel == "fp32")
        {
            _run = new DepthwiseProblem(Shape, Q8DepthwiseConvCatalog.Best, RequantizeMode.TfLiteFixedPoint).RunF32;
            return;
        }
        var parts = Kernel.Split(' ');
        var variant = Q8DepthwiseConvCatalog.Find(parts[0]) ?? throw new ArgumentException(Kernel);
        _run = new DepthwiseProblem(Shape, variant, Enum.Parse<RequantizeMode>(parts[1])).RunQ8;
    }

    /// <summary>One layer, single thread.</summary>
    [Benchmark]
    public void Depthwise() => _run!();
}

/// <summary>
/// In-process, fixed iterations, medians, GMAC/s and the ratio to the fp32 kernel of the same shape.
/// DEPTHWISE_Q8_ISA (e.g. <c>V512</c> or <c>V512,V256</c>) limits the quantized variants to those name suffixes.
/// </summary>
public sealed class Q8BenchConfig : ManualConfig
{
    /// <summary>True when the variant is selected by DEPTHWISE_Q8_ISA (all when unset).</summary>
    public static bool Selected(string variant) =>
        Environment.GetEnvironmentVariable("DEPTHWISE_Q8_ISA") is not { Length: > 0 } isa
        || isa.Split(',').Any(s => variant.EndsWith("_" + s.Trim(), StringComparison.Ordinal));

    /// <summary>Builds the config.</summary>
    public Q8BenchConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3)
            .WithIterationCount(15).WithId("InProcess"));
        AddColumn(StatisticColumn.Median);
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
        AddColumn(new Q8ThroughputColumn(false), new Q8ThroughputColumn(true));
    }
}

/// <summary>GMAC/s from the median time, or the speed-up over the "fp32" case of the same shape.</summary>
public sealed class Q8ThroughputColumn(bool ratio) : IColumn
{
    /// <inheritdoc/>
    public string Id => ratio ? "Q8OverF32" : "Q8Gmacs";

    /// <inheritdoc/>
    public string ColumnName => ratio ? "x fp32" : "GMAC/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => ratio ? 1 : 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => ratio ? "fp32 median time on the same shape / this median time" : "Multiply-accumulates per second (10^9), from the median";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var shape = benchmarkCase.Parameters["Shape"];
        long macs = shape switch { GemmShape g => g.Macs, DepthwiseShape d => d.Macs, _ => 0 };
        if (Median(summary, benchmarkCase) is not { } ns || macs == 0) return "-";
        if (!ratio) return (macs / ns).ToString("F1", CultureInfo.InvariantCulture);
        var peer = summary.BenchmarksCases.FirstOrDefault(c => Equals(c.Parameters["Shape"], shape) && c.Parameters["Kernel"] is "fp32");
        return peer is not null && Median(summary, peer) is { } f ? (f / ns).ToString("F2", CultureInfo.InvariantCulture) : "-";
    }

    private static double? Median(Summary summary, BenchmarkCase c) => summary[c]?.ResultStatistics?.Median;

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
