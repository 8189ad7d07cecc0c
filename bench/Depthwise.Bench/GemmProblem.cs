using Depthwise.Kernels;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Bench;

/// <summary>Random operands of one shape, packed for one variant: what a compiled plan would hold.</summary>
public sealed class GemmProblem
{
    private readonly float[] _a, _c;
    private readonly F32GemmPackedWeights _weights;

    /// <summary>Allocates and packs; Conv-style N×K weights, ReLU6 epilogue (the common MobileNet case).</summary>
    public GemmProblem(GemmShape shape, F32GemmVariant variant)
    {
        Shape = shape;
        Variant = variant;
        var rng = new Random(42);
        _a = new float[shape.M * shape.K];
        for (int i = 0; i < _a.Length; i++) _a[i] = (float)rng.NextDouble() - 0.5f;
        var b = new float[shape.K * shape.N];
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
        var bias = new float[shape.N];
        _weights = variant.Pack(shape.K, shape.N, b, 1, shape.K, bias);
        _c = new float[shape.M * shape.N];
    }

    /// <summary>The shape.</summary>
    public GemmShape Shape { get; }

    /// <summary>The variant the weights were packed for.</summary>
    public F32GemmVariant Variant { get; }

    /// <summary>One GEMM over the whole output.</summary>
    public void Run() =>
        Variant.Run(_weights, Shape.M, _a, Shape.K, _c, Shape.N, FusedEpilogue.Relu6);
}
