using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// The one place quantized operators read and check quantization parameters (at compile time, naming the offending
/// input). Two sources:
/// <list type="bullet">
/// <item>the IR form: an input's own <see cref="Graph.Value.Quant"/> (<see cref="OpContext.InputQuant"/>) and the op's
/// <c>OutputQuant</c>/<c>OutputType</c> properties: what the TFLite importer writes, and what the ONNX com.microsoft
/// QLinear rows rewrite their nodes to;</item>
/// <item>the ONNX form: constant scale and zero-point inputs: QuantizeLinear/DequantizeLinear
/// (<see cref="FromConstants"/>) and QLinearConv/QLinearMatMul/QGemm's inputs 3…8 (<see cref="Operands"/>).</item>
/// </list>
/// </summary>
internal static class QuantResolver
{
    /// <summary>The integer range of a quantized storage type (uint8, int8, or int32 for DequantizeLinear's int32 data).</summary>
    public static (int Min, int Max) TypeRange(DataType type) => type switch
    {
        DataType.UInt8 => (0, 255),
        DataType.Int8 => (-128, 127),
        DataType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new ArgumentException($"{DataTypes.Name(type)} is not a quantized storage type", nameof(type)),
    };

    /// <summary>Input <paramref name="i"/> as 8-bit data with per-tensor quantization on its value; an error naming it otherwise.</summary>
    public static QuantParams PerTensorInput(OpContext ctx, int i, string name)
    {
        ctx.ExpectType(i, DataType.UInt8, DataType.Int8);
        var q = ctx.InputQuant(i) ?? throw ctx.Error($"{name} ('{ctx.Node.Inputs[i]?.Name}') has no quantization parameters (scale and zero point)");
        if (!q.IsPerTensor) throw ctx.Error($"{name} must be quantized per tensor; it is quantized per axis ({q.Scales.Count} scales)");
        CheckValues(ctx, q, ctx.InputType(i), name);
        return q;
    }

    /// <summary>
    /// The output storage type: <paramref name="declared"/> (an op's OutputType), or the type of input 0 when
    /// <see cref="DataType.Undefined"/>; it must be UInt8 or Int8.
    /// </summary>
    public static DataType OutputType(OpContext ctx, DataType declared)
    {
        var t = declared == DataType.Undefined ? ctx.InputType(0) : declared;
        if (t is not (DataType.UInt8 or DataType.Int8)) throw ctx.Error($"OutputType {DataTypes.Name(t)} is not a quantized output type (uint8 or int8)");
        return t;
    }

    /// <summary>The output quantization (an op's OutputQuant): required, per tensor, with a positive scale and a zero point the type can hold.</summary>
    public static QuantParams OutputQuant(OpContext ctx, QuantParams? declared, DataType type)
    {
        var q = declared ?? throw ctx.Error("OutputQuant (the output's scale and zero point) is not set");
        if (!q.IsPerTensor) throw ctx.Error($"OutputQuant has {q.Scales.Count} scales; the output is quantized per tensor");
        CheckValues(ctx, q, type, "the output");
        return q;
    }

    /// <summary>
    /// The operands of a quantized elementwise binary op (QLinearAdd, QLinearMul, QLinearDiv): A and B per-tensor and of
    /// one 8-bit type, the output of that type with its quantization, the broadcast shape, and the integer clamp of the
    /// fused activation. Errors name the node.
    /// </summary>
    public static QuantBinaryOperands Binary(OpContext ctx, DataType outputType, QuantParams? outputQuant, ConvActivation activation)
    {
        var aq = PerTensorInput(ctx, 0, "A");
        var bq = PerTensorInput(ctx, 1, "B");
        if (ctx.InputType(1) != ctx.InputType(0))
            throw ctx.Error($"A is {DataTypes.Name(ctx.InputType(0))} but B is {DataTypes.Name(ctx.InputType(1))}; both must have one type");
        var type = OutputType(ctx, outputType);
        if (type != ctx.InputType(0)) throw ctx.Error($"the output type {DataTypes.Name(type)} differs from the inputs' {DataTypes.Name(ctx.InputType(0))}");
        var yq = OutputQuant(ctx, outputQuant, type);
        var shape = Shape.Broadcast(ctx.InputShape(0), ctx.InputShape(1))
            ?? throw ctx.Error($"shapes {ctx.InputShape(0)} and {ctx.InputShape(1)} do not broadcast");
        var (min, max) = ActivationRange(ctx, activation, yq, type);
        return new QuantBinaryOperands(type, shape, yq, aq, bq, min, max);
    }

    /// <summary>The [min, max] clamp of a fused min-max activation in the output's quantized domain (the type's range for None).</summary>
    public static (int Min, int Max) ActivationRange(OpContext ctx, ConvActivation activation, QuantParams output, DataType type)
    {
        if (!activation.IsMinMax) throw ctx.Error($"the fused activation {activation} is not a clamp; quantized operators fuse only None, Relu and Clip");
        var (min, max) = QuantizedActivationRange.Of(activation, output, type);
        if (min > max) throw ctx.Error($"the activation {activation} clamps to an empty range [{min}, {max}] in the output's quantized domain");
        return (min, max);
    }

    /// <summary>
    /// Parameters from a constant scale input (float32 scalar or 1-D) and an optional constant zero-point input of the
    /// same length (zeros when absent): per tensor for one scale, else along <paramref name="axis"/> of data shaped
    /// <paramref name="data"/>, checked by <see cref="Check"/>.
    /// </summary>
    public static QuantParams FromConstants(OpContext ctx, int scaleInput, int zeroPointInput, Shape data, int axis, DataType type, string scaleName, string zeroName)
    {
        var scale = ctx.RequireConstant(scaleInput);
        if (scale.DataType != DataType.Float32) throw ctx.Error($"{scaleName} is {DataTypes.Name(scale.DataType)}; expected float32");
        if (scale.Shape.Rank > 1) throw ctx.Error($"{scaleName} has shape {scale.Shape}; expected a scalar or a 1-D tensor");
        var scales = scale.ToFloatArray();
        if (scales.Length == 0) throw ctx.Error($"{scaleName} is empty");
        long[] zps;
        if (!ctx.HasInput(zeroPointInput)) zps = new long[scales.Length];
        else
        {
            var zeroPoint = ctx.RequireConstant(zeroPointInput);
            if (zeroPoint.Shape.Rank > 1 || zeroPoint.ElementCount != scales.Length)
                throw ctx.Error($"{zeroName} has shape {zeroPoint.Shape} but {scaleName} has {scales.Length} element(s); they must match");
            zps = zeroPoint.ToInt64Array();
        }
        return Check(ctx, new QuantParams(scales, zps, axis), data, type, scaleName);
    }

    /// <summary>
    /// Checks <paramref name="q"/> against data of shape <paramref name="data"/> and storage type <paramref name="type"/>:
    /// finite positive scales, zero points the type can hold, and for per-axis parameters an axis in range whose length
    /// is the number of scales. Returns the parameters with the axis normalized (0 when per tensor).
    /// </summary>
    public static QuantParams Check(OpContext ctx, QuantParams q, Shape data, DataType type, string what)
    {
        CheckValues(ctx, q, type, what);
        if (q.IsPerTensor) return q.Axis == 0 ? q : new QuantParams(q.Scales.ToArray(), q.ZeroPoints.ToArray());
        int axis = q.Axis < 0 ? q.Axis + data.Rank : q.Axis;
        if (axis < 0 || axis >= data.Rank) throw ctx.Error($"the quantization axis {q.Axis} is out of range for data of shape {data}");
        if (data[axis] != q.Scales.Count)
            throw ctx.Error($"{what} has {q.Scales.Count} scales but axis {axis} of the data (shape {data}) has {data[axis]} elements");
        return axis == q.Axis ? q : new QuantParams(q.Scales.ToArray(), q.ZeroPoints.ToArray(), axis);
    }

    /// <summary>Splits <paramref name="shape"/> at <paramref name="axis"/>: elements before it, along it, and after it.</summary>
    public static (int Outer, int Channels, int Inner) Split(Shape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Rank; d++) inner *= shape[d];
        return (outer, shape[axis], inner);
    }

    /// <summary>
    /// The operands of a quantized convolution or GEMM (X/A, W/B and the output). ONNX form when input
    /// <see cref="QLinearOperands.FirstQuantInput"/> is present (all six constants x_scale … y_zero_point are then
    /// required, and take precedence); IR form otherwise. <paramref name="channels"/> is the count a per-axis weight
    /// quantization must have (output channels / columns), along W's axis <paramref name="weightAxis"/>.
    /// </summary>
    public static QLinearOperands Operands(OpContext ctx, QuantParams? outputQuant, DataType outputType, int channels, int weightAxis,
        string xName, string wName)
    {
        ctx.ExpectType(0, DataType.UInt8, DataType.Int8);
        ctx.ExpectType(1, DataType.UInt8, DataType.Int8);
        DataType xType = ctx.InputType(0), wType = ctx.InputType(1);
        const int first = QLinearOperands.FirstQuantInput;
        QLinearOperands result;
        if (ctx.HasInput(first))
        {
            for (int i = first; i < first + QLinearOperands.QuantInputCount; i++)
                if (!ctx.HasInput(i)) throw ctx.Error($"the quantization inputs {first}…{first + QLinearOperands.QuantInputCount - 1} (scales and zero points) must all be given; input {i} is missing");
            float xs = ScaleConstants(ctx, first, "x_scale", 1)[0];
            int xz = ZeroPointConstants(ctx, first + 1, "x_zero_point", xType, 1)[0];
            var ws = ScaleConstants(ctx, first + 2, "w_scale", channels);
            var wz = ZeroPointConstants(ctx, first + 3, "w_zero_point", wType, channels);
            float ys = ScaleConstants(ctx, first + 4, "y_scale", 1)[0];
            ctx.ExpectType(first + 5, DataType.UInt8, DataType.Int8);
            var yType = ctx.InputType(first + 5);
            int yz = ZeroPointConstants(ctx, first + 5, "y_zero_point", yType, 1)[0];
            result = new(xType, xs, xz, wType, ws, wz, yType, ys, yz);
        }
        else
        {
            var xq = PerTensorInput(ctx, 0, xName);
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
            var yType = OutputType(ctx, outputType);
            yq = OutputQuant(ctx, yq, yType);
            result = new(xType, xq.Scales[0], (int)xq.ZeroPoints[0],
                wType, wq.Scales.ToArray(), wq.ZeroPoints.Select(z => CheckZeroPoint(ctx, z, wType, wName)).ToArray(),
                yType, yq.Scales[0], (int)yq.ZeroPoints[0]);
        }
        if (!(result.XScale > 0) || !float.IsFinite(result.XScale)) throw ctx.Error($"the scale of {xName} must be positive and finite, not {result.XScale}");
        if (!(result.YScale > 0) || !float.IsFinite(result.YScale)) throw ctx.Error($"the output scale must be positive and finite, not {result.YScale}");
        foreach (var s in result.WScales)
            if (!(s >= 0) || !float.IsFinite(s)) throw ctx.Error($"the scales of {wName} must be finite and non-negative, not {s}");
        return result;
    }

    /// <summary>Finite positive scales and zero points <paramref name="type"/> can hold.</summary>
    private static void CheckValues(OpContext ctx, QuantParams q, DataType type, string what)
    {
        var (lo, hi) = TypeRange(type);
        for (int c = 0; c < q.Scales.Count; c++)
        {
            if (!(q.Scales[c] > 0) || !float.IsFinite(q.Scales[c])) throw ctx.Error($"{what} has scale {q.Scales[c]}; scales must be positive and finite");
            if (q.ZeroPoints[c] < lo || q.ZeroPoints[c] > hi) throw ctx.Error($"{what} has zero point {q.ZeroPoints[c]}, outside the {DataTypes.Name(type)} range [{lo}, {hi}]");
        }
    }

    /// <summary>A constant float32 scale input: one value, or <paramref name="channels"/> (one per output channel).</summary>
    private static float[] ScaleConstants(OpContext ctx, int i, string name, int channels)
    {
        ctx.ExpectType(i, DataType.Float32);
        var t = ctx.RequireConstant(i);
        if (t.Shape.ElementCount != 1 && (channels == 1 || t.Shape.Rank != 1 || t.Shape[0] != channels))
            throw ctx.Error(channels == 1
                ? $"{name} must hold one value; it has shape {t.Shape}"
                : $"{name} has shape {t.Shape}; expected one value or [{channels}] (one per output channel)");
        return t.ToFloatArray();
    }

    /// <summary>A constant zero-point input of the type of the data it describes: one value, or <paramref name="channels"/>.</summary>
    private static int[] ZeroPointConstants(OpContext ctx, int i, string name, DataType type, int channels)
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
        var (lo, hi) = TypeRange(type);
        if (zp < lo || zp > hi) throw ctx.Error($"the zero point {zp} of {name} is outside the {DataTypes.Name(type)} range");
        return (int)zp;
    }
}

/// <summary>
/// The quantization of a quantized convolution's or GEMM's operands, resolved once at compile time by
/// <see cref="QuantResolver.Operands"/> from the IR form (X's and W's value quantization, the op's OutputQuant and
/// OutputType: what the TFLite importer writes) or the ONNX form (constant inputs 3…8: x_scale, x_zero_point, w_scale,
/// w_zero_point, y_scale, y_zero_point).
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
}

/// <summary>What <see cref="QuantResolver.Binary"/> resolves for a quantized elementwise binary op.</summary>
internal readonly record struct QuantBinaryOperands(DataType Type, Shape Shape, QuantParams Y, QuantParams A, QuantParams B, int Min, int Max);
