using Depthwise.Kernels;
using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Bench;

/// <summary>Random uint8 activations and int8 per-channel weights of one GEMM shape, packed for one quantized variant.</summary>
public sealed class Q8GemmProblem
{
    private readonly byte[] _a, _c;
    private readonly short[] _scratch;
    private readonly Q8GemmPackedWeights _weights;
    private readonly Q8Requantization _requant;

    /// <summary>
    /// Allocates and packs (int8 N×K weights, per-channel scales, uint8 activations: the ONNX zoo model's form; or,
    /// with <paramref name="uint8Weights"/>, uint8 weights with zero point 120: the TFLite uint8 models' form).
    /// </summary>
    public Q8GemmProblem(GemmShape shape, Q8GemmVariant variant, RequantizeMode mode, bool uint8Weights = false)
    {
        Shape = shape;
        Variant = variant;
        var rng = new Random(42);
        _a = new byte[shape.M * shape.K];
        rng.NextBytes(_a);
        var b = new byte[shape.K * shape.N];
        rng.NextBytes(b);
        var bias = Enumerable.Range(0, shape.N).Select(_ => rng.Next(-5000, 5000)).ToArray();
        int[] zb = uint8Weights ? [120] : [0];
        _weights = variant.Pack(shape.K, shape.N, b, !uint8Weights, 1, shape.K, zb, bias);
        if (Q8VnniGemm.IsSupported)
        {
            _vnni = Q8VnniPackedWeights.Pack(shape.K, shape.N, b, !uint8Weights, 1, shape.K, zb, bias, false, 114);
            _vnniScratch = new byte[Q8VnniGemm.ScratchBytes(shape.K)];
        }
        var scales = Enumerable.Range(0, shape.N).Select(_ => (float)(0.0001 + rng.NextDouble() * 0.0005)).ToArray();
        _requant = mode == RequantizeMode.TfLiteFixedPoint
            ? Q8Requantization.FixedPoint(scales.Select(s => (double)s).ToArray(), shape.N, 128, 0, 255)
            : Q8Requantization.RoundHalfEven(scales, shape.N, 128, 0, 255);
        _c = new byte[shape.M * shape.N];
        _scratch = new short[variant.ScratchShorts(shape.K)];
        int kp = 2 * _weights.KPairs;
        _a16 = new short[shape.M * kp];
        for (int i = 0; i < shape.M; i++)
            for (int k = 0; k < shape.K; k++) _a16[i * kp + k] = (short)(_a[i * shape.K + k] - 114);
    }

    private readonly short[] _a16;
    private readonly Q8VnniPackedWeights? _vnni;
    private readonly byte[] _vnniScratch = [];

    /// <summary>One GEMM over the whole output with <see cref="Q8VnniGemm"/> (AVX-VNNI machines only).</summary>
    public void RunVnni() =>
        Q8VnniGemm.Run(_vnni!, _requant, Shape.M, _a, Shape.K, _c, Shape.N, Q8VnniGemm.FullRange(Shape.M, _vnni!), _vnniScratch);

    /// <summary>One GEMM over the whole output from A already widened to int16 (the widening's share).</summary>
    public void RunWidened() =>
        Variant.Run(_weights, _requant, Shape.M, _a16, 2 * _weights.KPairs, _c, Shape.N, Variant.FullRange(Shape.M, _weights));

    /// <summary>The shape.</summary>
    public GemmShape Shape { get; }

    /// <summary>The variant.</summary>
    public Q8GemmVariant Variant { get; }

    /// <summary>One GEMM over the whole output.</summary>
    public void Run() =>
        Variant.Run(_weights, _requant, Shape.M, _a, Shape.K, false, 114, _c, Shape.N, Variant.FullRange(Shape.M, _weights), _scratch);
}

/// <summary>A MobileNetV2 depthwise layer: H×W×C, 3×3, stride, pad 1.</summary>
public sealed record DepthwiseShape(string Name, int H, int W, int C, int Stride)
{
    /// <summary>MobileNetV2's depthwise layers (one per distinct shape).</summary>
    public static IReadOnlyList<DepthwiseShape> MobileNetV2 { get; } =
    [
        new("112²×32 s1", 112, 112, 32, 1), new("112²×96 s2", 112, 112, 96, 2), new("56²×144 s1", 56, 56, 144, 1),
        new("56²×144 s2", 56, 56, 144, 2), new("28²×192 s1", 28, 28, 192, 1), new("14²×384 s1", 14, 14, 384, 1),
        new("14²×576 s2", 14, 14, 576, 2), new("7²×960 s1", 7, 7, 960, 1),
    ];

    /// <summary>The geometry.</summary>
    public DepthwiseConvShape Geometry => DepthwiseConvShape.Square(1, H, W, C, 3, Stride, 1);

    /// <summary>Multiply-accumulates per call.</summary>
    public long Macs => Geometry.Macs;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Random operands of one depthwise layer for the quantized and the fp32 kernels.</summary>
public sealed class DepthwiseProblem
{
    private readonly byte[] _x, _y;
    private readonly float[] _xf, _yf;
    private readonly Q8DepthwiseConvWeights _q8;
    private readonly Q8Requantization _requant;
    private readonly F32DepthwiseConvWeights _f32;
    private readonly F32DepthwiseConvVariant _f32Variant;

    /// <summary>Allocates and packs both forms.</summary>
    public DepthwiseProblem(DepthwiseShape shape, Q8DepthwiseConvVariant variant, RequantizeMode mode)
    {
        Shape = shape;
        Variant = variant;
        var g = shape.Geometry;
        var rng = new Random(7);
        _x = new byte[g.InputLength];
        rng.NextBytes(_x);
        _y = new byte[g.OutputLength];
        var w = new byte[g.Channels * 9];
        rng.NextBytes(w);
        var bias = Enumerable.Range(0, g.Channels).Select(_ => rng.Next(-5000, 5000)).ToArray();
        _q8 = Q8DepthwiseConvWeights.Pack(g.Channels, 3, 3, w, true, [0], bias, 114);
        var scales = Enumerable.Range(0, g.Channels).Select(_ => (float)(0.001 + rng.NextDouble() * 0.005)).ToArray();
        _requant = mode == RequantizeMode.TfLiteFixedPoint
            ? Q8Requantization.FixedPoint(scales.Select(s => (double)s).ToArray(), g.Channels, 128, 0, 255)
            : Q8Requantization.RoundHalfEven(scales, g.Channels, 128, 0, 255);
        _xf = _x.Select(v => v / 255f).ToArray();
        _yf = new float[g.OutputLength];
        _f32Variant = DepthwiseConvCatalog.Select(g);
        _f32 = F32DepthwiseConvWeights.Pack(g.Channels, 3, 3, w.Select(v => (sbyte)v / 128f).ToArray(), 9, 3, 1, bias.Select(v => (float)v).ToArray());
    }

    /// <summary>The shape.</summary>
    public DepthwiseShape Shape { get; }

    /// <summary>The quantized variant.</summary>
    public Q8DepthwiseConvVariant Variant { get; }

    /// <summary>The fp32 variant the catalog selects for the same geometry.</summary>
    public string F32Variant => _f32Variant.Name;

    /// <summary>One quantized depthwise convolution.</summary>
    public void RunQ8() => Variant.Run(_q8, Shape.Geometry, _requant, _x, false, _y, DepthwiseConvRange.Full(Shape.Geometry));

    /// <summary>The fp32 depthwise convolution of the same layer (ReLU6).</summary>
    public void RunF32() => _f32Variant.Run(_f32, Shape.Geometry, FusedEpilogue.Relu6, _xf, _yf);
}
