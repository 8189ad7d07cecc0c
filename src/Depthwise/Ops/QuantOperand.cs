using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Reads a quantized operand's parameters for the quantize/dequantize family: from constant scale and zero-point
/// inputs (ONNX's form) when the node has them, else from the value's own <see cref="QuantParams"/> (TFLite's form).
/// </summary>
internal static class QuantOperand
{
    /// <summary>
    /// The quantization of the tensor at <paramref name="dataInput"/> (its shape gives the per-axis length): constant
    /// inputs <paramref name="scaleInput"/>/<paramref name="zeroPointInput"/> when present, else the input's own quant.
    /// </summary>
    public static QuantParams Resolve(OpContext ctx, int dataInput, int scaleInput, int zeroPointInput, int axis, Shape shape, string what)
    {
        QuantParams quant;
        if (ctx.HasInput(scaleInput)) quant = FromConstants(ctx, scaleInput, zeroPointInput, axis, shape);
        else quant = ctx.InputQuant(dataInput) ?? throw ctx.Error($"{what} has no quantization parameters (scale and zero point)");
        Validate(ctx, quant, shape, what);
        return quant;
    }

    /// <summary>Quantization from constant scale (float32, scalar or 1-D) and zero-point inputs (absent = 0).</summary>
    public static QuantParams FromConstants(OpContext ctx, int scaleInput, int zeroPointInput, int axis, Shape shape)
    {
        var scale = ctx.RequireConstant(scaleInput);
        if (scale.DataType != DataType.Float32) throw ctx.Error($"the scale must be float32, not {DataTypes.Name(scale.DataType)}");
        if (scale.Shape.Rank > 1) throw ctx.Error($"the scale must be a scalar or 1-D; it has shape {scale.Shape}");
        float[] scales = scale.ToFloatArray();
        long[] zps = new long[scales.Length];
        if (ctx.HasInput(zeroPointInput))
        {
            var zp = ctx.RequireConstant(zeroPointInput);
            if (zp.Shape.ElementCount != scales.Length)
                throw ctx.Error($"{scales.Length} scale(s) but {zp.Shape.ElementCount} zero point(s)");
            zps = zp.ToInt64Array();
        }
        int rank = shape.Rank;
        int ax = axis < 0 ? axis + rank : axis;
        if (scale.Shape.Rank == 1 && (ax < 0 || ax >= Math.Max(rank, 1)))
            throw ctx.Error($"axis {axis} is out of range for a rank-{rank} tensor");
        return new QuantParams(scales, zps, scale.Shape.Rank == 1 ? ax : 0);
    }

    /// <summary>Checks scale values and the per-axis length against the tensor's shape.</summary>
    public static void Validate(OpContext ctx, QuantParams quant, Shape shape, string what)
    {
        foreach (float s in quant.Scales)
            if (!(s > 0) || !float.IsFinite(s)) throw ctx.Error($"{what} has scale {s}; scales must be positive and finite");
        if (!quant.IsPerTensor || quant.Scales.Count > 1)
        {
            if (quant.Axis < 0 || quant.Axis >= shape.Rank)
                throw ctx.Error($"{what} is quantized along axis {quant.Axis}, outside its shape {shape}");
            if (shape[quant.Axis] != quant.Scales.Count)
                throw ctx.Error($"{what} has {quant.Scales.Count} scales for {shape[quant.Axis]} channels along axis {quant.Axis}");
        }
    }

    /// <summary>The range of a quantized storage type.</summary>
    public static (int Min, int Max) Range(DataType type) => type switch
    {
        DataType.UInt8 => (0, 255),
        DataType.Int8 => (-128, 127),
        DataType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new ArgumentException($"{DataTypes.Name(type)} is not a quantized type", nameof(type)),
    };

    /// <summary>Per-channel scale and zero point arrays expanded for the inner loop: (outer, channels, inner) split by axis.</summary>
    public static (int Outer, int Channels, int Inner) Split(QuantParams quant, Shape shape)
    {
        if (quant.Scales.Count == 1) return (1, 1, shape.ElementCount);
        int outer = 1, inner = 1;
        for (int d = 0; d < quant.Axis; d++) outer *= shape[d];
        for (int d = quant.Axis + 1; d < shape.Rank; d++) inner *= shape[d];
        return (outer, shape[quant.Axis], inner);
    }
}
