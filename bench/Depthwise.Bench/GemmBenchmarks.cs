using BenchmarkDotNet.Attributes;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Bench;

/// <summary>fp32 GEMM on MobileNetV2 pointwise shapes, every supported catalog variant.</summary>
[Config(typeof(GemmBenchConfig))]
public class GemmBenchmarks
{
    private GemmProblem? _problem;

    /// <summary>The layer shape.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.MobileNetV2[0];

    /// <summary>The catalog variant.</summary>
    [ParamsSource(nameof(Variants))]
    public string Variant { get; set; } = "";

    /// <summary>Shapes to run.</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.MobileNetV2;

    /// <summary>Supported variants, widest first.</summary>
    public static IEnumerable<string> Variants => GemmCatalog.Supported.Select(v => v.Name);

    /// <summary>Packs the weights (plan-compile work, not measured).</summary>
    [GlobalSetup]
    public void Setup() =>
        _problem = new GemmProblem(Shape, GemmCatalog.Find(Variant) ?? throw new ArgumentException(Variant));

    /// <summary>One GEMM with the ReLU6 epilogue.</summary>
    [Benchmark]
    public void Gemm() => _problem!.Run();
}
