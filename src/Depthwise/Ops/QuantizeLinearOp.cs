using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QuantizeLinear: y = saturate(round(x / scale) + zero_point) from float32 to uint8 or int8, per tensor or per axis;
/// also TFLite's QUANTIZE from float. Two forms: ONNX's (inputs 1 and 2 are the constant scale and zero point; the
/// zero point's type is the output type, uint8 when absent) and TFLite's (<see cref="OutputQuant"/> and
/// <see cref="OutputType"/>). Rounding follows <see cref="Requantize"/>: TFLite rounds half away from zero, ONNX half
/// to even.
/// </summary>
public sealed class QuantizeLinearOp : Op
{
    /// <summary>The channel axis for per-axis scales given as inputs (ONNX; default 1).</summary>
    public int Axis { get; init; } = 1;

    /// <summary>The output's quantization when it is not given as inputs (TFLite's form).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output type when it is not given by a zero-point input: uint8 or int8.</summary>
    public DataType OutputType { get; init; } = DataType.UInt8;

    /// <summary>Which runtime's rounding to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QuantizeLinear";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is 1 or 2;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, quant) = Resolve(ctx);
        ctx.SetOutput(0, type, ctx.InputShape(0));
        ctx.SetOutputQuant(0, quant);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, quant) = Resolve(ctx);
        var (outer, channels, inner) = QuantOperand.Split(quant, ctx.InputShape(0));
        var (min, max) = QuantOperand.Range(type);
        return new QuantizeKernel(type == DataType.Int8, outer, channels, inner, quant.Scales.ToArray(),
            quant.ZeroPoints.Select(z => (int)z).ToArray(), min, max, Requantize == RequantizeMode.TfLiteFixedPoint);
    }

    private (DataType Type, QuantParams Quant) Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        var shape = ctx.InputShape(0);
        DataType type;
        QuantParams quant;
        if (ctx.HasInput(1))
        {
            type = ctx.HasInput(2) ? ctx.InputType(2) : DataType.UInt8;
            quant = QuantOperand.FromConstants(ctx, 1, 2, Axis, shape);
        }
        else
        {
            type = OutputType;
            quant = OutputQuant ?? throw ctx.Error("QuantizeLinear needs the output's scale and zero point (inputs 1 and 2, or OutputQuant)");
        }
        if (type is not (DataType.UInt8 or DataType.Int8))
            throw ctx.Error($"QuantizeLinear outputs uint8 or int8, not {DataTypes.Name(type)}");
        QuantOperand.Validate(ctx, quant, shape, "the output");
        var (min, max) = QuantOperand.Range(type);
        foreach (long zp in quant.ZeroPoints)
            if (zp < min || zp > max) throw ctx.Error($"zero point {zp} is outside the {DataTypes.Name(type)} range");
        return (type, quant);
    }

    private sealed class QuantizeKernel(bool signed, int outer, int channels, int inner, float[] scales, int[] zps, int min, int max, bool awayFromZero) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.OutputBytes(0);
            var rounding = awayFromZero ? MidpointRounding.AwayFromZero : MidpointRounding.ToEven;
            int i = 0;
            for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
            {
                float s = scales[c];
                int zp = zps[c];
                for (int k = 0; k < inner; k++, i++)
                {
                    float r = MathF.Round(x[i] / s, rounding);
                    // NaN saturates to the zero point; ±∞ and huge values to the type's ends.
                    int q = float.IsNaN(r) ? zp : (int)Math.Clamp((double)r + zp, min, max);
                    y[i] = signed ? (byte)(sbyte)q : (byte)q;
                }
            }
        }
    }
}
