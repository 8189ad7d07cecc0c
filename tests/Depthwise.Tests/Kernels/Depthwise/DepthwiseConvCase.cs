using Depthwise.Kernels;
using Depthwise.Kernels.Depthwise;

namespace Depthwise.Tests.Kernels.Depthwise;

/// <summary>
/// One randomized depthwise problem: shape, data (inputs in [-2, 2] so ReLU6 and HardSwish bend), ONNX-layout
/// filters, bias and an epilogue; plus the awkward shape lists the sweeps draw from.
/// </summary>
internal sealed class DepthwiseConvCase
{
    public static readonly int[] Channels = [1, 3, 8, 15, 16, 17, 31, 33, 96, 144];

    public static readonly (int H, int W)[] Sizes =
    [
        (1, 1), (2, 2), (3, 3), (5, 5), (7, 7), (8, 8), (14, 14), (15, 15), (28, 28),
        (1, 28), (28, 1), (2, 15), (15, 2), (7, 14), (14, 5), (3, 8), (9, 4),
    ];

    /// <summary>(top, left, bottom, right): none, symmetric 1 and 2, TF SAME stride 2 (0,0,1,1) and other asymmetric ones.</summary>
    public static readonly (int T, int L, int B, int R)[] Pads =
    [
        (0, 0, 0, 0), (1, 1, 1, 1), (2, 2, 2, 2), (0, 0, 1, 1), (0, 1, 1, 0), (1, 1, 2, 2), (2, 0, 1, 3),
    ];

    public static readonly FusedEpilogue[] Epilogues =
    [
        FusedEpilogue.Linear, FusedEpilogue.Relu, FusedEpilogue.Relu6,
        FusedEpilogue.HardSwish, FusedEpilogue.Clamp(-0.5f, 0.25f),
    ];

    public DepthwiseConvCase(DepthwiseConvShape shape, FusedEpilogue epilogue, int seed, bool bias = true)
    {
        Shape = shape;
        Epilogue = epilogue;
        var random = new Random(seed);
        Input = Random(random, shape.InputLength, 2);
        Filters = Random(random, shape.Channels * shape.KernelHeight * shape.KernelWidth, 1);
        Bias = bias ? Random(random, shape.Channels, 1) : null;
        Weights = F32DepthwiseConvWeights.PackChannelFirst(shape.Channels, shape.KernelHeight, shape.KernelWidth, Filters, Bias);
    }

    public DepthwiseConvShape Shape { get; }

    public FusedEpilogue Epilogue { get; }

    /// <summary>NHWC input.</summary>
    public float[] Input { get; }

    /// <summary>ONNX filters [C, 1, KH, KW].</summary>
    public float[] Filters { get; }

    public float[]? Bias { get; }

    public F32DepthwiseConvWeights Weights { get; }

    public override string ToString() => $"{Shape} {Epilogue}";

    /// <summary>The reference output.</summary>
    public float[] Reference()
    {
        var y = new float[Shape.OutputLength];
        F32DepthwiseConvReference.Run(Weights, Shape, Epilogue, Input, y);
        return y;
    }

    /// <summary>
    /// Σ|x·w| + |b| per output: the scale of the rounding error any summation order can make (the reference run on
    /// absolute values, linear).
    /// </summary>
    public float[] Magnitude()
    {
        var abs = F32DepthwiseConvWeights.PackChannelFirst(Shape.Channels, Shape.KernelHeight, Shape.KernelWidth,
            Filters.Select(Math.Abs).ToArray(), Bias?.Select(Math.Abs).ToArray());
        var y = new float[Shape.OutputLength];
        F32DepthwiseConvReference.Run(abs, Shape, FusedEpilogue.Linear, Input.Select(Math.Abs).ToArray(), y);
        return y;
    }

    /// <summary>Shapes with batch 2 for every channel count × size × pads combination whose output is not empty.</summary>
    public static IEnumerable<DepthwiseConvShape> Sweep(int kernel, int stride, int dilation = 1)
    {
        foreach (int c in Channels)
            foreach (var (h, w) in Sizes)
                foreach (var (t, l, b, r) in Pads)
                {
                    int extent = (kernel - 1) * dilation + 1;
                    if (h + t + b < extent || w + l + r < extent) continue;
                    yield return new DepthwiseConvShape(2, h, w, c, kernel, kernel, stride, stride, dilation, dilation, t, l, b, r);
                }
    }

    private static float[] Random(Random random, int length, float scale)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return a;
    }
}
