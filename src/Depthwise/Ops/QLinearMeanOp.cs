using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// TFLite MEAN of 8-bit data over any <see cref="Axes"/>, with TFLite's three arithmetics chosen as its EvalMean does
/// (as the TFLite of the conformance oracle, tfjs-tflite 0.0.1-alpha.10, computes it; the current TFLite source computes
/// every non-Mean4D case in fixed point instead):
/// a 4-D input reduced over axes 1 and 2 with <see cref="KeepDims"/> runs the Mean4D fixed-point requantization (as
/// <see cref="QLinearGlobalAveragePoolOp"/>); otherwise equal input and output quantization takes the integer mean
/// (sum / count, truncating toward zero), and different ones the float formula
/// round_half_away((sum / count) · s_in/s_out − z_in · s_in/s_out) + z_out. Only TFLite's arithmetic is implemented.
/// </summary>
public sealed class QLinearMeanOp : Op
{
    /// <summary>The axes to reduce (negative count from the end; duplicates are ignored; empty reduces nothing).</summary>
    public int[] Axes { get; init; } = [];

    /// <summary>Keep the reduced axes as size 1.</summary>
    public bool KeepDims { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the input's type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic: only <see cref="RequantizeMode.TfLiteFixedPoint"/> is implemented.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearMean";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, yq, _, reduced) = Check(ctx);
        var x = ctx.InputShape(0);
        var dims = new List<int>();
        for (int d = 0; d < x.Rank; d++)
        {
            if (!reduced[d]) dims.Add(x[d]);
            else if (KeepDims) dims.Add(1);
        }
        ctx.SetOutput(0, type, new Shape(dims.ToArray()));
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, yq, xq, reduced) = Check(ctx);
        var x = ctx.InputShape(0);
        if (IsMean4D(x.Rank) && x[1] * x[2] > 0)
        {
            var gap = new QLinearGlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast, OutputQuant = yq, OutputType = type };
            return gap.CreateKernel(ctx);
        }
        // Output strides per input axis (0 for a reduced axis), for one pass that adds each element to its output.
        var outStride = new int[x.Rank];
        int stride = 1, count = 1;
        for (int d = x.Rank - 1; d >= 0; d--)
        {
            if (reduced[d]) { count *= x[d]; continue; }
            outStride[d] = stride;
            stride *= x[d];
        }
        bool same = xq.Scales[0] == yq.Scales[0] && xq.ZeroPoints[0] == yq.ZeroPoints[0];
        return new MeanKernel(x.Dims.ToArray(), outStride, stride, count, ctx.InputType(0) == DataType.Int8, type == DataType.Int8, same,
            xq.Scales[0] / yq.Scales[0], (int)xq.ZeroPoints[0], (int)yq.ZeroPoints[0]);
    }

    /// <summary>
    /// TFLite's test for its Mean4D kernel (EvalMean): keep_dims, a 4-D input and exactly the two axes 1 and 2 as written
    /// (not their negative forms, not repeated).
    /// </summary>
    internal bool IsMean4D(int rank) =>
        KeepDims && rank == 4 && Axes.Length == 2 && ((Axes[0] == 1 && Axes[1] == 2) || (Axes[0] == 2 && Axes[1] == 1));

    private (DataType Type, QuantParams Y, QuantParams X, bool[] Reduced) Check(OpContext ctx)
    {
        var xq = QuantResolver.PerTensorInput(ctx, 0, "X");
        if (Requantize != RequantizeMode.TfLiteFixedPoint) throw ctx.Unsupported("only TFLite's quantized mean arithmetic is implemented");
        var type = QuantResolver.OutputType(ctx, OutputType);
        var yq = QuantResolver.OutputQuant(ctx, OutputQuant, type);
        int rank = ctx.InputShape(0).Rank;
        var reduced = new bool[rank];
        foreach (int a in Axes)
        {
            int axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) throw ctx.Error($"axis {a} is out of range for input of rank {rank}");
            reduced[axis] = true;
        }
        return (type, yq, xq, reduced);
    }

    /// <summary>Sums into int32 scratch (one per output), then TFLite's integer or float mean.</summary>
    private sealed class MeanKernel(int[] dims, int[] outStride, int outputs, int count, bool signedIn, bool signedOut, bool same,
        float scale, int zi, int zo) : Kernel
    {
        public override int ScratchBytes => outputs * sizeof(int);

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            var sums = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(ctx.Scratch)[..outputs];
            if (count == 0)
            {
                y[..outputs].Clear();   // TFLite leaves an empty mean's output at zero
                return;
            }
            sums.Clear();
            int rank = dims.Length, total = outputs * count;
            Span<int> idx = stackalloc int[Math.Max(rank, 1)];
            idx.Clear();
            int o = 0;
            for (int i = 0; i < total; i++)
            {
                sums[o] += signedIn ? (sbyte)x[i] : x[i];
                for (int d = rank - 1; d >= 0; d--)
                {
                    o += outStride[d];
                    if (++idx[d] < dims[d]) break;
                    o -= outStride[d] * dims[d];
                    idx[d] = 0;
                }
            }
            int min = signedOut ? -128 : 0, max = min + 255;
            float bias = -zi * scale;
            for (int k = 0; k < outputs; k++)
            {
                int r;
                if (same) r = sums[k] / count;
                else
                {
                    float mean = (float)sums[k] / count;
                    float result = Math.Min(MathF.Round(mean * scale + bias, MidpointRounding.AwayFromZero) + zo, max);
                    r = (int)Math.Max(result, min);
                }
                y[k] = (byte)Math.Clamp(r, min, max);
            }
        }
    }
}
