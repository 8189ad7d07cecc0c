using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// The input and output quantization of a one-input quantized operator in either form: ONNX's com.microsoft form
/// (inputs X, X_scale, X_zero_point, Y_scale, Y_zero_point, the scales and zero points constant) or TFLite's (X carries
/// its quant; the op's OutputQuant/OutputType give Y's).
/// </summary>
internal readonly record struct QLinearUnaryForm(DataType Type, QuantParams In, QuantParams Out, DataType OutType)
{
    /// <summary>Index of the first constant quantization input in the ONNX form.</summary>
    public const int FirstQuantInput = 1;

    /// <summary>Resolves both quantizations; the output type defaults to the input's.</summary>
    public static QLinearUnaryForm Resolve(OpContext ctx, QuantParams? outputQuant, DataType outputType, Shape outputShape)
    {
        ctx.ExpectType(0, DataType.UInt8, DataType.Int8);
        var type = ctx.InputType(0);
        var inQ = QuantOperand.Resolve(ctx, 0, 1, 2, 0, ctx.InputShape(0), "the input");
        if (!inQ.IsPerTensor) throw ctx.Error("the input must be quantized per tensor");
        QuantParams outQ;
        DataType outType;
        if (ctx.HasInput(3))
        {
            outQ = QuantOperand.FromConstants(ctx, 3, 4, 0, outputShape);
            outType = ctx.HasInput(4) ? ctx.InputType(4) : type;
        }
        else
        {
            outQ = outputQuant ?? throw ctx.Error("the output's scale and zero point are missing (inputs 3 and 4, or OutputQuant)");
            outType = outputType == DataType.Undefined ? type : outputType;
        }
        if (outType is not (DataType.UInt8 or DataType.Int8)) throw ctx.Error($"the output must be uint8 or int8, not {DataTypes.Name(outType)}");
        QuantOperand.Validate(ctx, outQ, outputShape, "the output");
        if (!outQ.IsPerTensor) throw ctx.Error("the output must be quantized per tensor");
        var (min, max) = QuantOperand.Range(outType);
        if (outQ.ZeroPoints[0] < min || outQ.ZeroPoints[0] > max) throw ctx.Error($"output zero point {outQ.ZeroPoints[0]} is outside the {DataTypes.Name(outType)} range");
        return new QLinearUnaryForm(type, inQ, outQ, outType);
    }

    /// <summary>The real value of the stored byte <paramref name="raw"/> (reinterpreted as int8 for signed types).</summary>
    public float Dequantize(int raw) => In.Scales[0] * ((Type == DataType.Int8 ? (sbyte)(byte)raw : raw) - (int)In.ZeroPoints[0]);

    /// <summary>The stored integer of an input byte.</summary>
    public int InputValue(int raw) => Type == DataType.Int8 ? (sbyte)(byte)raw : raw;

    /// <summary>Quantizes a real output value with the output's parameters (round per <paramref name="mode"/>, saturate).</summary>
    public int Quantize(double value, RequantizeMode mode)
    {
        var (min, max) = QuantOperand.Range(OutType);
        if (double.IsNaN(value)) return (int)Out.ZeroPoints[0];
        double r = Math.Round(value / Out.Scales[0], mode == RequantizeMode.TfLiteFixedPoint ? MidpointRounding.AwayFromZero : MidpointRounding.ToEven);
        return (int)Math.Clamp(r + Out.ZeroPoints[0], min, max);
    }

    /// <summary>The stored byte of an output integer.</summary>
    public byte Store(int q) => OutType == DataType.Int8 ? (byte)(sbyte)q : (byte)q;
}
