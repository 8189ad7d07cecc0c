using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>The validation every QLinear operator shares: quantized inputs, the output's quantization and storage type.</summary>
internal static class QLinearChecks
{
    /// <summary>Input <paramref name="i"/> as 8-bit data with per-tensor quantization; an error naming it otherwise.</summary>
    public static QuantParams PerTensorInput(OpContext ctx, int i, string name)
    {
        ctx.ExpectType(i, DataType.UInt8, DataType.Int8);
        var q = ctx.InputQuant(i) ?? throw ctx.Error($"input {i} ({name}, '{ctx.Node.Inputs[i]?.Name}') has no quantization parameters (scale and zero point)");
        if (!q.IsPerTensor) throw ctx.Error($"input {i} ({name}) is quantized per axis ({q.Scales.Count} scales); this operator takes one scale per tensor");
        CheckScaleAndZeroPoint(ctx, q, ctx.InputType(i), $"input {i} ({name})");
        return q;
    }

    /// <summary>
    /// The output storage type: <paramref name="declared"/>, or the type of input 0 when <see cref="DataType.Undefined"/>;
    /// it must be UInt8 or Int8.
    /// </summary>
    public static DataType OutputType(OpContext ctx, DataType declared)
    {
        var t = declared == DataType.Undefined ? ctx.InputType(0) : declared;
        if (t is not (DataType.UInt8 or DataType.Int8)) throw ctx.Error($"the output type is {DataTypes.Name(t)}; quantized outputs are uint8 or int8");
        return t;
    }

    /// <summary>The output quantization: required, per tensor, with a positive scale and a zero point the type can hold.</summary>
    public static QuantParams OutputQuant(OpContext ctx, QuantParams? declared, DataType type)
    {
        var q = declared ?? throw ctx.Error("OutputQuant (the output's scale and zero point) is not set");
        if (!q.IsPerTensor) throw ctx.Error($"OutputQuant has {q.Scales.Count} scales; the output is quantized per tensor");
        CheckScaleAndZeroPoint(ctx, q, type, "the output");
        return q;
    }

    /// <summary>The [min, max] clamp of a fused activation on the output (the type's range for None).</summary>
    public static (int Min, int Max) ActivationRange(OpContext ctx, ConvActivation activation, QuantParams output, DataType type)
    {
        if (!activation.IsMinMax) throw ctx.Error($"the fused activation {activation} is not a clamp; quantized operators fuse only None, Relu and Clip");
        var (min, max) = QuantizedActivationRange.Of(activation, output, type);
        if (min > max) throw ctx.Error($"the activation {activation} clamps to an empty range [{min}, {max}] in the output's quantized domain");
        return (min, max);
    }

    /// <summary>The integer range of an 8-bit storage type.</summary>
    public static (int Min, int Max) TypeRange(DataType type) => type == DataType.Int8 ? (-128, 127) : (0, 255);

    private static void CheckScaleAndZeroPoint(OpContext ctx, QuantParams q, DataType type, string what)
    {
        var (lo, hi) = TypeRange(type);
        for (int c = 0; c < q.Scales.Count; c++)
        {
            if (!(q.Scales[c] > 0) || !float.IsFinite(q.Scales[c])) throw ctx.Error($"{what} has scale {q.Scales[c]}; scales must be positive and finite");
            if (q.ZeroPoints[c] < lo || q.ZeroPoints[c] > hi) throw ctx.Error($"{what} has zero point {q.ZeroPoints[c]}, outside the {DataTypes.Name(type)} range [{lo}, {hi}]");
        }
    }
}
