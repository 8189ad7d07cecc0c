using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearAveragePool: the mean of each window of 8-bit data. TFLite AVERAGE_POOL_2D
/// (<see cref="RequantizeMode.TfLiteFixedPoint"/>): the integer sum of the window's valid taps is divided by their count
/// rounding half away from zero ((sum ± count/2) / count) and clamped to the fused <see cref="Activation"/>; padding never
/// counts. TFLite expects equal input and output quantization but only checks it in debug builds: with other output
/// parameters its release kernels (and this op) still write the integer mean of the stored values. com.microsoft QLinearAveragePool
/// (<see cref="RequantizeMode.FloatRoundHalfEven"/>, ONNX Runtime's arithmetic): taps are dequantized and summed in
/// float, divided by the count (the whole kernel with <see cref="CountIncludePad"/>), and quantized with
/// round_half_even(y / s_out + z_out).
/// </summary>
public sealed class QLinearAveragePoolOp : PoolOp
{
    /// <summary>Whether pad positions count in the divisor (ONNX only; TFLite never counts them).</summary>
    public bool CountIncludePad { get; init; }

    /// <summary>The fused activation (None, Relu or Clip), applied as an integer clamp on the output.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the input's type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic the op reproduces.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearAveragePool";

    /// <inheritdoc />
    public override Op WithLayout(ChannelLayout layout) => new QLinearAveragePoolOp
    {
        KernelShape = KernelShape, Strides = Strides, Dilations = Dilations, Pads = Pads, AutoPad = AutoPad, CeilMode = CeilMode,
        CountIncludePad = CountIncludePad, Activation = Activation, OutputQuant = OutputQuant, OutputType = OutputType,
        Requantize = Requantize, Layout = layout,
    };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, yq, _, _, _) = Check(ctx);
        ctx.SetOutput(0, type, OutputShape(ctx.InputShape(0), Window(ctx)));
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, yq, xq, min, max) = Check(ctx);
        var w = Window(ctx);
        var (lo, hi) = TapRanges(w);
        var count = new int[3][];
        for (int d = 0; d < 3; d++)
        {
            count[d] = new int[w.Output[d]];
            for (int o = 0; o < w.Output[d]; o++) count[d][o] = CountIncludePad ? w.Kernel[d] : hi[d][o] - lo[d][o];
        }
        var planes = PlaneLayout.Of(ctx.InputShape(0), Layout);
        return new PoolKernel(w, planes, lo, hi, count, type == DataType.Int8, min, max,
            Requantize == RequantizeMode.FloatRoundHalfEven, xq.Scales[0], (int)xq.ZeroPoints[0], yq.Scales[0], (int)yq.ZeroPoints[0]);
    }

    private (DataType Type, QuantParams Y, QuantParams X, int Min, int Max) Check(OpContext ctx)
    {
        var xq = QuantResolver.PerTensorInput(ctx, 0, "X");
        var type = QuantResolver.OutputType(ctx, OutputType);
        if (type != ctx.InputType(0)) throw ctx.Error($"the output type {DataTypes.Name(type)} differs from the input's {DataTypes.Name(ctx.InputType(0))}");
        var yq = QuantResolver.OutputQuant(ctx, OutputQuant, type);
        if (Requantize == RequantizeMode.TfLiteFixedPoint)
        {
            if (CountIncludePad) throw ctx.Error("TFLite's average pool never counts padding (CountIncludePad must be false)");
        }
        var (min, max) = QuantResolver.ActivationRange(ctx, Activation, yq, type);
        return (type, yq, xq, min, max);
    }

    /// <summary>Per plane and output position: the window's valid taps, precomputed per dim; scalar (not a hot path).</summary>
    private sealed class PoolKernel(SpatialWindow w, PlaneLayout layout, int[][] lo, int[][] hi, int[][] count, bool signed,
        int min, int max, bool useFloat, float si, int zi, float so, int zo) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            var outLayout = layout with { PlaneSize = w.OutputSize };
            int xs = layout.ElementStride, ys = outLayout.ElementStride;
            for (int n = 0; n < layout.Batch; n++)
                for (int c = 0; c < layout.Channels; c++)
                {
                    int xPlane = layout.PlaneOffset(n, c), yPlane = outLayout.PlaneOffset(n, c), at = 0;
                    for (int od = 0; od < w.Output[0]; od++)
                        for (int oh = 0; oh < w.Output[1]; oh++)
                            for (int ow = 0; ow < w.Output[2]; ow++, at++)
                            {
                                int sum = 0;
                                float fsum = 0;
                                for (int kd = lo[0][od]; kd < hi[0][od]; kd++)
                                {
                                    int id = w.InputPosition(0, od, kd);
                                    for (int kh = lo[1][oh]; kh < hi[1][oh]; kh++)
                                    {
                                        int row = w.InputRowOffset(id, w.InputPosition(1, oh, kh));
                                        for (int kw = lo[2][ow]; kw < hi[2][ow]; kw++)
                                        {
                                            int q = Value(x[xPlane + (row + w.InputPosition(2, ow, kw)) * xs]);
                                            sum += q;
                                            fsum += si * (q - zi);
                                        }
                                    }
                                }
                                int cnt = count[0][od] * count[1][oh] * count[2][ow];
                                int r;
                                if (cnt == 0) r = useFloat ? zo : 0;
                                else if (useFloat) r = (int)MathF.Round(fsum / cnt / so + zo, MidpointRounding.ToEven);
                                else r = sum > 0 ? (sum + cnt / 2) / cnt : (sum - cnt / 2) / cnt;
                                y[yPlane + at * ys] = (byte)Math.Clamp(r, min, max);
                            }
                }
        }

        private int Value(byte b) => signed ? (sbyte)b : b;
    }
}
