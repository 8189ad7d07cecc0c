using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// An elementwise function of one uint8/int8 tensor computed through a 256-entry table built when the plan is
/// compiled: entry q = quantize_out(f(dequantize_in(q))). Serves TFLite's quantized LOGISTIC, TANH, HARD_SWISH, RELU,
/// RELU6, RELU_N1_TO_1, LEAKY_RELU, ELU and QUANTIZE (8-bit → 8-bit), and com.microsoft QLinearSigmoid/QLinearLeakyRelu.
/// The requantizing kinds (Identity, Relu, Relu6, ReluN1To1) use TFLite's fixed-point multiplier, so they equal
/// TFLite exactly; the transcendental ones evaluate f in double precision and round, within one step of TFLite.
/// </summary>
public sealed class QLinearLookupOp : Op
{
    /// <summary>The function.</summary>
    public QLinearLookupKind Kind { get; init; }

    /// <summary>The negative slope of <see cref="QLinearLookupKind.LeakyRelu"/>.</summary>
    public float Alpha { get; init; } = 0.01f;

    /// <summary>The output's quantization (TFLite form; the ONNX form gives it as inputs 3 and 4).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output type (TFLite form); Undefined means the input's.</summary>
    public DataType OutputType { get; init; }

    /// <summary>Which runtime's arithmetic to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearLookup";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= QLinearUnaryForm.FirstQuantInput;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, ctx.InputShape(0));
        ctx.SetOutput(0, f.OutType, ctx.InputShape(0));
        ctx.SetOutputQuant(0, f.Out);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) =>
        new LookupKernel(BuildTable(QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, ctx.InputShape(0))));

    private byte[] BuildTable(QLinearUnaryForm f)
    {
        var table = new byte[256];
        bool fixedPoint = Requantize == RequantizeMode.TfLiteFixedPoint
            && Kind is QLinearLookupKind.Identity or QLinearLookupKind.Relu or QLinearLookupKind.Relu6 or QLinearLookupKind.ReluN1To1;
        if (fixedPoint)
        {
            // TFLite's Requantize / ReluX: MultiplyByQuantizedMultiplier(q − zp_in) + zp_out, then the activation clamp.
            var (mult, shift) = FixedPoint.QuantizeMultiplier((double)f.In.Scales[0] / f.Out.Scales[0]);
            var act = Kind switch
            {
                QLinearLookupKind.Relu => ConvActivation.Relu,
                QLinearLookupKind.Relu6 => ConvActivation.Clip(0, 6),
                QLinearLookupKind.ReluN1To1 => ConvActivation.Clip(-1, 1),
                _ => ConvActivation.None,
            };
            var (lo, hi) = QuantizedActivationRange.Of(act, f.Out, f.OutType);
            int zpIn = (int)f.In.ZeroPoints[0], zpOut = (int)f.Out.ZeroPoints[0];
            for (int raw = 0; raw < 256; raw++)
            {
                int q = FixedPoint.MultiplyByQuantizedMultiplier(f.InputValue(raw) - zpIn, mult, shift) + zpOut;
                table[raw] = f.Store(Math.Clamp(q, lo, hi));
            }
            return table;
        }
        for (int raw = 0; raw < 256; raw++)
        {
            double x = f.Dequantize(raw);
            double y = Kind switch
            {
                QLinearLookupKind.Identity => x,
                QLinearLookupKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
                QLinearLookupKind.Tanh => Math.Tanh(x),
                QLinearLookupKind.HardSwish => x * Math.Clamp(x + 3, 0, 6) / 6,
                QLinearLookupKind.Relu => Math.Max(x, 0),
                QLinearLookupKind.Relu6 => Math.Clamp(x, 0, 6),
                QLinearLookupKind.ReluN1To1 => Math.Clamp(x, -1, 1),
                QLinearLookupKind.LeakyRelu => x >= 0 ? x : Alpha * x,
                _ => x >= 0 ? x : Math.Exp(x) - 1,
            };
            table[raw] = f.Store(f.Quantize(y, Requantize));
        }
        return table;
    }

    private sealed class LookupKernel(byte[] table) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            var t = table.AsSpan();
            int n = ctx.OutputShape(0).ElementCount;
            for (int i = 0; i < n; i++) y[i] = t[x[i]];
        }
    }
}
