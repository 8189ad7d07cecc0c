using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// AveragePool over a uint8/int8 tensor (TFLite's quantized AVERAGE_POOL_2D, com.microsoft QLinearAveragePool). With
/// TFLite arithmetic and equal input/output quantization (what TFLite requires) the integer sum over the window's
/// in-bounds taps is divided with TFLite's rounding (half away from zero) and clamped to the fused activation's range;
/// otherwise the real average is requantized to the output's parameters (ONNX: float, ties to even).
/// </summary>
public sealed class QLinearAveragePoolOp : PoolOp
{
    /// <summary>Whether padded taps count in the divisor (ONNX's count_include_pad; TFLite never counts them).</summary>
    public bool CountIncludePad { get; init; }

    /// <summary>A fused min-max activation (TFLite), applied as an integer clamp.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's quantization (TFLite form; the ONNX form gives it as inputs 3 and 4).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output type (TFLite form); Undefined means the input's.</summary>
    public DataType OutputType { get; init; }

    /// <summary>Which runtime's arithmetic to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearAveragePool";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= QLinearUnaryForm.FirstQuantInput;

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
        var shape = OutputShape(ctx.InputShape(0), Window(ctx));
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, shape);
        if (!Activation.IsMinMax) throw ctx.Error($"a quantized average pool fuses only None, Relu or Clip, not {Activation.Kind}");
        ctx.SetOutput(0, f.OutType, shape);
        ctx.SetOutputQuant(0, f.Out);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var w = Window(ctx);
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, OutputShape(ctx.InputShape(0), w));
        var (lo, hi) = TapRanges(w);
        var count = new int[3][];
        for (int d = 0; d < 3; d++)
        {
            count[d] = new int[w.Output[d]];
            for (int o = 0; o < w.Output[d]; o++)
            {
                var (a, b) = CountIncludePad ? w.PaddedTapRangeForOutput(d, o) : (lo[d][o], hi[d][o]);
                count[d][o] = b - a;
            }
        }
        bool integer = Requantize == RequantizeMode.TfLiteFixedPoint && f.In == f.Out && f.Type == f.OutType;
        var (actMin, actMax) = QuantizedActivationRange.Of(Activation, f.Out, f.OutType);
        return new PoolKernel(w, PlaneLayout.Of(ctx.InputShape(0), Layout), lo, hi, count, f, integer, actMin, actMax, Requantize);
    }

    private sealed class PoolKernel(SpatialWindow w, PlaneLayout layout, int[][] lo, int[][] hi, int[][] count,
        QLinearUnaryForm f, bool integer, int actMin, int actMax, RequantizeMode mode) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            var outLayout = layout with { PlaneSize = w.OutputSize };
            int xs = layout.ElementStride, ys = outLayout.ElementStride;
            int zpIn = (int)f.In.ZeroPoints[0];
            float sIn = f.In.Scales[0];
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int xPlane = layout.PlaneOffset(n, c), yPlane = outLayout.PlaneOffset(n, c);
                int at = 0;
                for (int od = 0; od < w.Output[0]; od++)
                for (int oh = 0; oh < w.Output[1]; oh++)
                for (int ow = 0; ow < w.Output[2]; ow++, at++)
                {
                    int sum = 0, taps = 0;
                    for (int kd = lo[0][od]; kd < hi[0][od]; kd++)
                    {
                        int id = w.InputPosition(0, od, kd);
                        for (int kh = lo[1][oh]; kh < hi[1][oh]; kh++)
                        {
                            int row = xPlane + w.InputRowOffset(id, w.InputPosition(1, oh, kh)) * xs;
                            for (int kw = lo[2][ow]; kw < hi[2][ow]; kw++, taps++) sum += f.InputValue(x[row + w.InputPosition(2, ow, kw) * xs]);
                        }
                    }
                    int k = count[0][od] * count[1][oh] * count[2][ow];
                    int q;
                    if (k == 0) q = (int)f.Out.ZeroPoints[0];
                    else if (integer) q = sum >= 0 ? (sum + k / 2) / k : (sum - k / 2) / k;
                    else q = f.Quantize((double)sIn * (sum - zpIn * taps) / k, mode);
                    y[yPlane + at * ys] = f.Store(Math.Clamp(q, actMin, actMax));
                }
            }
        }
    }
}
