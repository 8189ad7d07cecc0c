using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The integer clamp a fused min-max activation (None, Relu, Clip/ReLU6) becomes on a quantized output, computed as
/// TFLite's <c>CalculateActivationRangeQuantized</c> does: each real bound maps to zeroPoint + round(bound / scale)
/// (round half away from zero), intersected with the storage type's range.
/// </summary>
public static class QuantizedActivationRange
{
    /// <summary>The [min, max] clamp in the quantized domain of <paramref name="output"/>.</summary>
    /// <param name="activation">A min-max activation (<see cref="ConvActivation.IsMinMax"/>).</param>
    /// <param name="output">The output's per-tensor quantization.</param>
    /// <param name="type">The output's storage type: <see cref="DataType.UInt8"/> or <see cref="DataType.Int8"/>.</param>
    public static (int Min, int Max) Of(ConvActivation activation, QuantParams output, DataType type)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!activation.IsMinMax) throw new ArgumentException($"{activation.Kind} is not a clamp; quantized kernels fuse only None, Relu and Clip", nameof(activation));
        var (qmin, qmax) = type switch
        {
            DataType.UInt8 => (0, 255),
            DataType.Int8 => (-128, 127),
            _ => throw new ArgumentException($"quantized outputs are uint8 or int8, not {type}", nameof(type)),
        };
        float scale = output.Scales[0];
        long zp = output.ZeroPoints[0];
        var (lo, hi) = activation.Bounds;
        int min = qmin, max = qmax;
        if (float.IsFinite(lo)) min = (int)Math.Clamp(zp + (long)Math.Round(lo / scale, MidpointRounding.AwayFromZero), qmin, qmax);
        if (float.IsFinite(hi)) max = (int)Math.Clamp(zp + (long)Math.Round(hi / scale, MidpointRounding.AwayFromZero), qmin, qmax);
        return (min, max);
    }
}
