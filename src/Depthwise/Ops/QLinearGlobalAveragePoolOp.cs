using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// GlobalAveragePool over a uint8/int8 tensor: the mean of each (batch, channel) plane, requantized to the output's
/// parameters; the spatial dims become 1. Serves com.microsoft QLinearGlobalAveragePool (channels_last → NHWC) and
/// TFLite's quantized MEAN over the spatial axes. ONNX Runtime's arithmetic: (Σq − zp·count) as an integer, times the
/// float32 factor s_in / (s_out · count), rounded half to even. TFLite's: with equal quantization the integer mean
/// rounded half away from zero; otherwise the real mean requantized, rounded half away from zero.
/// </summary>
public sealed class QLinearGlobalAveragePoolOp : Op, IChannelLayoutOp
{
    /// <summary>Layout of the input and output.</summary>
    public ChannelLayout Layout { get; init; }

    /// <summary>The output's quantization (TFLite form; the ONNX form gives it as inputs 3 and 4).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output type (TFLite form); Undefined means the input's.</summary>
    public DataType OutputType { get; init; }

    /// <summary>Which runtime's arithmetic to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearGlobalAveragePool";

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new QLinearGlobalAveragePoolOp
    {
        Layout = layout, OutputQuant = OutputQuant, OutputType = OutputType, Requantize = Requantize,
    };

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= QLinearUnaryForm.FirstQuantInput;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var shape = OutputShapeOf(ctx);
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, shape);
        ctx.SetOutput(0, f.OutType, shape);
        ctx.SetOutputQuant(0, f.Out);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var shape = OutputShapeOf(ctx);
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, shape);
        var layout = PlaneLayout.Of(ctx.InputShape(0), Layout);
        bool integer = Requantize == RequantizeMode.TfLiteFixedPoint && f.In == f.Out && f.Type == f.OutType;
        float factor = f.In.Scales[0] / (f.Out.Scales[0] * layout.PlaneSize);
        return new GlobalPoolKernel(layout, f, integer, factor, Requantize);
    }

    private Shape OutputShapeOf(OpContext ctx)
    {
        PlaneLayout.Expect(ctx, 0, Layout, minRank: 3);
        var x = ctx.InputShape(0);
        var layout = PlaneLayout.Of(x, Layout);
        if (layout.PlaneSize == 0) throw ctx.Error($"cannot average an empty plane (input {x})");
        var ones = new int[x.Rank - 2];
        Array.Fill(ones, 1);
        return PlaneLayout.Compose(layout.Batch, layout.Channels, ones, Layout);
    }

    private sealed class GlobalPoolKernel(PlaneLayout layout, QLinearUnaryForm f, bool integer, float factor, RequantizeMode mode) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            int count = layout.PlaneSize, xs = layout.ElementStride;
            int zpIn = (int)f.In.ZeroPoints[0], zpOut = (int)f.Out.ZeroPoints[0];
            var (min, max) = QuantOperand.Range(f.OutType);
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int start = layout.PlaneOffset(n, c);
                long sum = 0;
                for (int i = 0; i < count; i++) sum += f.InputValue(x[start + i * xs]);
                int q;
                if (integer) q = (int)(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
                else if (mode == RequantizeMode.FloatRoundHalfEven)
                    q = (int)Math.Clamp(MathF.Round((sum - (long)zpIn * count) * factor, MidpointRounding.ToEven) + zpOut, min, max);
                else q = f.Quantize((double)f.In.Scales[0] * (sum - (long)zpIn * count) / count, mode);
                y[n * layout.Channels + c] = f.Store(q);
            }
        }
    }
}
