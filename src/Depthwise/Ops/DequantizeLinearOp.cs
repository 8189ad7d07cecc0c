using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// DequantizeLinear: y = (x − zero_point) · scale as float32, per tensor or per axis; x is uint8, int8 or int32.
/// Two forms: ONNX's (inputs 1 and 2 are the constant scale and zero point, <see cref="Axis"/> names the channel
/// axis) and TFLite's DEQUANTIZE (one input carrying its own quantization). <see cref="Requantize"/> picks the
/// arithmetic: ONNX multiplies in float32; TFLite multiplies the double-precision scale and converts to float.
/// </summary>
public sealed class DequantizeLinearOp : Op
{
    /// <summary>The channel axis for per-axis scales given as inputs (ONNX; default 1). Ignored for per-tensor scales.</summary>
    public int Axis { get; init; } = 1;

    /// <summary>Which runtime's arithmetic to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "DequantizeLinear";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is 1 or 2;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.UInt8, DataType.Int8, DataType.Int32);
        var shape = ctx.InputShape(0);
        QuantOperand.Resolve(ctx, 0, 1, 2, Axis, shape, "the input");
        ctx.SetOutput(0, DataType.Float32, shape);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var shape = ctx.InputShape(0);
        var quant = QuantOperand.Resolve(ctx, 0, 1, 2, Axis, shape, "the input");
        var (outer, channels, inner) = QuantOperand.Split(quant, shape);
        var scales = quant.Scales.ToArray();
        var zps = quant.ZeroPoints.Select(z => (int)z).ToArray();
        return new DequantizeKernel(ctx.InputType(0), outer, channels, inner, scales, zps, Requantize == RequantizeMode.TfLiteFixedPoint);
    }

    private sealed class DequantizeKernel(DataType type, int outer, int channels, int inner, float[] scales, int[] zps, bool doubleScale) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var y = ctx.Output<float>(0);
            switch (type)
            {
                case DataType.UInt8: Loop(ctx.Input<byte>(0), y); break;
                case DataType.Int8: Loop(ctx.Input<sbyte>(0), y); break;
                default: Loop(ctx.Input<int>(0), y); break;
            }
        }

        private void Loop<T>(ReadOnlySpan<T> x, Span<float> y) where T : unmanaged, System.Numerics.IBinaryInteger<T>
        {
            int i = 0;
            for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
            {
                float s = scales[c];
                double sd = s;
                long zp = zps[c];
                if (doubleScale)
                    for (int k = 0; k < inner; k++, i++) y[i] = (float)(sd * (long.CreateTruncating(x[i]) - zp));
                else
                    for (int k = 0; k < inner; k++, i++) y[i] = (long.CreateTruncating(x[i]) - zp) * s;
            }
        }
    }
}
