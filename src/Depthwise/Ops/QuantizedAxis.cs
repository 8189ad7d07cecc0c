using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Quantization parameters as QuantizeLinear and DequantizeLinear take them: one scale (per tensor) or one per index of
/// an axis, read from constant scale and zero-point tensors or given directly, checked against the data's shape.
/// </summary>
internal static class QuantizedAxis
{
    /// <summary>Splits <paramref name="shape"/> at <paramref name="axis"/>: elements before it, along it, and after it.</summary>
    public static (int Outer, int Channels, int Inner) Split(Shape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Rank; d++) inner *= shape[d];
        return (outer, shape[axis], inner);
    }

    /// <summary>
    /// Parameters from a scale tensor (scalar or 1-D) and an optional zero-point tensor of the same length (zeros when
    /// absent); per tensor when there is one scale, else along <paramref name="axis"/> of <paramref name="data"/>.
    /// </summary>
    public static QuantParams FromTensors(OpContext ctx, Tensor scale, Tensor? zeroPoint, Shape data, int axis, DataType type, string scaleName, string zeroName)
    {
        if (scale.Shape.Rank > 1) throw ctx.Error($"{scaleName} has shape {scale.Shape}; expected a scalar or a 1-D tensor");
        var scales = scale.ToFloatArray();
        long[] zps;
        if (zeroPoint is null) zps = new long[scales.Length];
        else
        {
            if (zeroPoint.Shape.Rank > 1 || zeroPoint.ElementCount != scales.Length)
                throw ctx.Error($"{zeroName} has shape {zeroPoint.Shape} but {scaleName} has {scales.Length} element(s); they must match");
            zps = zeroPoint.ToInt64Array();
        }
        if (scales.Length == 0) throw ctx.Error($"{scaleName} is empty");
        return Check(ctx, new QuantParams(scales, zps, axis), data, type, scaleName);
    }

    /// <summary>
    /// Checks <paramref name="q"/> against data of shape <paramref name="data"/> and storage type <paramref name="type"/>:
    /// finite positive scales, zero points the type can hold, and for per-axis parameters an axis in range (normalized)
    /// whose length is the number of scales. Returns the parameters with the axis normalized.
    /// </summary>
    public static QuantParams Check(OpContext ctx, QuantParams q, Shape data, DataType type, string what)
    {
        var (lo, hi) = type switch
        {
            DataType.UInt8 => (0L, 255L),
            DataType.Int8 => (-128L, 127L),
            _ => (int.MinValue, (long)int.MaxValue),
        };
        for (int c = 0; c < q.Scales.Count; c++)
        {
            if (!(q.Scales[c] > 0) || !float.IsFinite(q.Scales[c])) throw ctx.Error($"{what} has scale {q.Scales[c]}; scales must be positive and finite");
            if (q.ZeroPoints[c] < lo || q.ZeroPoints[c] > hi) throw ctx.Error($"{what} has zero point {q.ZeroPoints[c]}, outside the {DataTypes.Name(type)} range [{lo}, {hi}]");
        }
        if (q.IsPerTensor) return q.Axis == 0 ? q : new QuantParams(q.Scales.ToArray(), q.ZeroPoints.ToArray());
        int axis = q.Axis < 0 ? q.Axis + data.Rank : q.Axis;
        if (axis < 0 || axis >= data.Rank) throw ctx.Error($"the quantization axis {q.Axis} is out of range for data of shape {data}");
        if (data[axis] != q.Scales.Count)
            throw ctx.Error($"{what} has {q.Scales.Count} scales but axis {axis} of the data (shape {data}) has {data[axis]} elements");
        return axis == q.Axis ? q : new QuantParams(q.Scales.ToArray(), q.ZeroPoints.ToArray(), axis);
    }
}
