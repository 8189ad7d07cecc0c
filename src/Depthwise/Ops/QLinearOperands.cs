using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// The quantization of a quantized convolution's or GEMM's operands, resolved once at compile time from one of two
/// forms: the IR form (X's and W's <see cref="Graph.Value.Quant"/> via <see cref="OpContext.InputQuant"/>, the output's
/// from the op's <c>OutputQuant</c> and <c>OutputType</c>: what the TFLite importer writes), or the ONNX form
/// (constant inputs 3…8: x_scale, x_zero_point, w_scale, w_zero_point, y_scale, y_zero_point, which take precedence,
/// as in ONNX each node states how it reads its inputs).
/// </summary>
internal sealed record QLinearOperands(
    DataType XType, float XScale, int XZeroPoint,
    DataType WType, float[] WScales, int[] WZeroPoints,
    DataType YType, float YScale, int YZeroPoint)
{
    /// <summary>The first of the ONNX-form inputs (x_scale); the others follow in ONNX order.</summary>
    public const int FirstQuantInput = 3;

    /// <summary>Number of ONNX-form quantization inputs.</summary>
    public const int QuantInputCount = 6;

    /// <summary>The output's per-tensor quantization.</summary>
    public QuantParams OutputQuant => QuantParams.PerTensor(YScale, YZeroPoint);

    /// <summary>True when W has one scale and one zero point.</summary>
    public bool WeightsPerTensor => WScales.Length == 1 && WZeroPoints.Length == 1;

    /// <summary>
    /// Reads and validates the operands' quantization. <paramref name="channels"/> is the count a per-axis weight
    /// quantization must have (output channels / columns), along W's axis <paramref name="weightAxis"/>.
    /// </summary>
    public static QLinearOperands Resolve(OpContext ctx, QuantParams? outputQuant, DataType outputType, int channels, int weightAxis,
        string xName, string wName)
    {
        ctx.ExpectType(0, DataType.UInt8, DataType.Int8);
        ctx.ExpectType(1, DataType.UInt8, DataType.Int8);
        DataType xType = ctx.InputType(0), wType = ctx.InputType(1);
        QLinearOperands result;
        if (ctx.HasInput(FirstQuantInput))
        {
            for (int i = FirstQuantInput; i < FirstQuantInput + QuantInputCount; i++)
                if (!ctx.HasInput(i)) throw ctx.Error($"the quantization inputs {FirstQuantInput}…{FirstQuantInput + QuantInputCount - 1} (scales and zero points) must all be given; input {i} is missing");
            float xs = Scalar(ctx, FirstQuantInput, "x_scale");
            int xz = ZeroPoints(ctx, FirstQuantInput + 1, "x_zero_point", xType, 1)[0];
            var ws = Floats(ctx, FirstQuantInput + 2, "w_scale", channels);
            var wz = ZeroPoints(ctx, FirstQuantInput + 3, "w_zero_point", wType, channels);
            float ys = Scalar(ctx, FirstQuantInput + 4, "y_scale");
            ctx.ExpectType(FirstQuantInput + 5, DataType.UInt8, DataType.Int8);
            var yType = ctx.InputType(FirstQuantInput + 5);
            int yz = ZeroPoints(ctx, FirstQuantInput + 5, "y_zero_point", yType, 1)[0];
            result = new(xType, xs, xz, wType, ws, wz, yType, ys, yz);
        }
        else
        {
            var xq = ctx.InputQuant(0) ?? throw ctx.Error($"{xName} ('{ctx.Node.Inputs[0]?.Name}') has no quantization parameters");
            if (!xq.IsPerTensor) throw ctx.Error($"{xName} must be quantized per tensor; it has {xq.Scales.Count} scales");
            var wq = ctx.InputQuant(1) ?? throw ctx.Error($"{wName} ('{ctx.Node.Inputs[1]?.Name}') has no quantization parameters");
            if (!wq.IsPerTensor)
            {
                int rank = ctx.InputShape(1).Rank;
                int axis = wq.Axis < 0 ? wq.Axis + rank : wq.Axis;
                if (axis != weightAxis)
                    throw ctx.Error($"{wName} is quantized along axis {wq.Axis}; per-axis quantization must be along axis {weightAxis} (the output channels)");
                if (wq.Scales.Count != channels)
                    throw ctx.Error($"{wName} has {wq.Scales.Count} per-axis scales; expected one per output channel ({channels})");
            }
            var yq = outputQuant ?? throw ctx.Error("OutputQuant (the output's scale and zero point) is required");
            if (!yq.IsPerTensor) throw ctx.Error($"the output must be quantized per tensor; OutputQuant has {yq.Scales.Count} scales");
            var yType = outputType == DataType.Undefined ? xType : outputType;
            if (yType is not (DataType.UInt8 or DataType.Int8)) throw ctx.Error($"OutputType must be uint8 or int8, not {DataTypes.Name(yType)}");
            result = new(xType, xq.Scales[0], CheckZeroPoint(ctx, xq.ZeroPoints[0], xType, xName),
                wType, wq.Scales.ToArray(), wq.ZeroPoints.Select(z => CheckZeroPoint(ctx, z, wType, wName)).ToArray(),
                yType, yq.Scales[0], CheckZeroPoint(ctx, yq.ZeroPoints[0], yType, "the output"));
        }
        if (!(result.XScale > 0) || !float.IsFinite(result.XScale)) throw ctx.Error($"the scale of {xName} must be positive and finite, not {result.XScale}");
        if (!(result.YScale > 0) || !float.IsFinite(result.YScale)) throw ctx.Error($"the output scale must be positive and finite, not {result.YScale}");
        foreach (var s in result.WScales)
            if (!(s >= 0) || !float.IsFinite(s)) throw ctx.Error($"the scales of {wName} must be finite and non-negative, not {s}");
        return result;
    }

    /// <summary>
    /// The requantization of the int32 accumulators to the output, with the fused activation's clamp.
    /// <paramref name="tfliteFloatProduct"/>: TFLite computes sx·sw in float before widening to double (its
    /// <c>GetQuantizedConvolutionMultipler</c>: uint8 convolutions, per-tensor fully connected layers) rather than in
    /// double (the per-channel path of <c>PopulateConvolutionQuantizationParams</c>); ignored for ONNX's arithmetic.
    /// </summary>
    public Q8Requantization Requantization(RequantizeMode mode, ConvActivation activation, int channels, bool tfliteFloatProduct, OpContext ctx)
    {
        if (!activation.IsMinMax) throw ctx.Error($"a quantized operator fuses only None, Relu or Clip activations, not {activation}");
        var (min, max) = QuantizedActivationRange.Of(activation, OutputQuant, YType);
        return Q8Requantization.ForProduct(mode, XScale, WScales, YScale, YZeroPoint, channels, tfliteFloatProduct, min, max);
    }

    private static float Scalar(OpContext ctx, int i, string name)
    {
        ctx.ExpectType(i, DataType.Float32);
        var t = ctx.RequireConstant(i);
        if (t.Shape.ElementCount != 1) throw ctx.Error($"{name} must hold one value; it has shape {t.Shape}");
        return t.ToFloatArray()[0];
    }

    private static float[] Floats(OpContext ctx, int i, string name, int channels)
    {
        ctx.ExpectType(i, DataType.Float32);
        var t = ctx.RequireConstant(i);
        if (t.Shape.ElementCount != 1 && (t.Shape.Rank != 1 || t.Shape[0] != channels))
            throw ctx.Error($"{name} has shape {t.Shape}; expected one value or [{channels}] (one per output channel)");
        return t.ToFloatArray();
    }

    private static int[] ZeroPoints(OpContext ctx, int i, string name, DataType type, int channels)
    {
        if (ctx.InputType(i) != type)
            throw ctx.Error($"{name} has type {DataTypes.Name(ctx.InputType(i))}; it must have the type of the data it describes ({DataTypes.Name(type)})");
        var t = ctx.RequireConstant(i);
        if (t.Shape.ElementCount != 1 && (t.Shape.Rank != 1 || t.Shape[0] != channels))
            throw ctx.Error($"{name} has shape {t.Shape}; expected one value{(channels > 1 ? $" or [{channels}]" : "")}");
        return t.ToInt64Array().Select(v => (int)v).ToArray();
    }

    private static int CheckZeroPoint(OpContext ctx, long zp, DataType type, string name)
    {
        var (lo, hi) = Q8Requantization.TypeRange(type);
        if (zp < lo || zp > hi) throw ctx.Error($"the zero point {zp} of {name} is outside the {DataTypes.Name(type)} range");
        return (int)zp;
    }
}
