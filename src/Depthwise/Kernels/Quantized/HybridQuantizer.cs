using System.Numerics;

namespace Depthwise.Kernels.Quantized;

/// <summary>How a hybrid (dynamic-range) layer quantizes its float input to int8 at run time.</summary>
public enum HybridInputQuantization
{
    /// <summary>
    /// Asymmetric: the range [min(0, min x), max(0, max x)] mapped onto [−128, 127] with a nudged zero point, as
    /// TFLite's <c>AsymmetricQuantizeFloats</c> (per-channel CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED with
    /// <c>asymmetric_quantize_inputs</c>).
    /// </summary>
    Asymmetric,

    /// <summary>
    /// Symmetric: max |x| mapped onto 127, zero point 0, as TFLite's <c>SymmetricQuantizeFloats</c> (per-tensor
    /// CONV_2D, FULLY_CONNECTED without <c>asymmetric_quantize_inputs</c>).
    /// </summary>
    Symmetric,
}

/// <summary>
/// The run-time quantization of a hybrid layer's float input, with TFLite's arithmetic (tensor_utils'
/// portable <c>AsymmetricQuantizeFloats</c> / <c>SymmetricQuantizeFloats</c>), so the int8 values, scale and zero
/// point equal TFLite's bit for bit: the integer products that follow are then exact and the layer's float output
/// equals TFLite's up to the order of its final float multiplications.
/// </summary>
public static class HybridQuantizer
{
    /// <summary>
    /// Quantizes <paramref name="values"/> into <paramref name="output"/> (int8) and returns the scale s and zero point
    /// z with <c>x ≈ s·(q − z)</c>. Asymmetric: rmin = min(0, min x), rmax = max(0, max x) in double,
    /// s = (rmax − rmin)/255, z = the rounded (half away from zero) zero point from whichever end has the smaller
    /// error, clamped to [−128, 127]; q = round_half_away(z + x·(1/s)) in float, clamped. Symmetric: r = max(|min x|,
    /// |max x|), s = r/127, q = round_half_away(x·(127/r)) clamped to ±127, z = 0. An all-zero range gives s = 1,
    /// z = 0 and zeros.
    /// </summary>
    public static (float Scale, int ZeroPoint) Quantize(HybridInputQuantization mode, ReadOnlySpan<float> values, Span<sbyte> output)
    {
        if (output.Length < values.Length) throw new ArgumentException($"output holds {output.Length} values; {values.Length} needed", nameof(output));
        if (values.IsEmpty) return (1f, 0);
        var (min, max) = MinMax(values);
        return mode == HybridInputQuantization.Symmetric ? Symmetric(values, output, min, max) : Asymmetric(values, output, min, max);
    }

    /// <summary>The smallest and largest value (order-independent for non-NaN data, so vectorizing changes nothing).</summary>
    private static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float min = values[0], max = values[0];
        int i = 0, width = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated && values.Length >= width)
        {
            var vmin = new Vector<float>(values);
            var vmax = vmin;
            for (i = width; i + width <= values.Length; i += width)
            {
                var v = new Vector<float>(values[i..]);
                vmin = Vector.Min(vmin, v);
                vmax = Vector.Max(vmax, v);
            }
            for (int j = 0; j < width; j++)
            {
                min = Math.Min(min, vmin[j]);
                max = Math.Max(max, vmax[j]);
            }
        }
        for (; i < values.Length; i++)
        {
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }
        return (min, max);
    }

    private static (float, int) Asymmetric(ReadOnlySpan<float> values, Span<sbyte> output, float min, float max)
    {
        const double qmin = -128, qmax = 127;
        double rmin = Math.Min(0.0, min), rmax = Math.Max(0.0, max);
        if (rmin == rmax)
        {
            output[..values.Length].Clear();
            return (1f, 0);
        }
        double scale = (rmax - rmin) / (qmax - qmin);
        double fromMin = qmin - rmin / scale, fromMax = qmax - rmax / scale;
        double errorMin = Math.Abs(qmin) + Math.Abs(rmin / scale), errorMax = Math.Abs(qmax) + Math.Abs(rmax / scale);
        double zeroPoint = errorMin < errorMax ? fromMin : fromMax;
        int nudged = zeroPoint <= qmin ? -128 : zeroPoint >= qmax ? 127 : (int)Math.Round(zeroPoint, MidpointRounding.AwayFromZero);
        float s = (float)scale;
        float inverse = 1f / s;
        float offset = nudged;
        for (int i = 0; i < values.Length; i++)
        {
            float r = MathF.Round(offset + values[i] * inverse, MidpointRounding.AwayFromZero);
            output[i] = (sbyte)(r >= 127f ? 127 : r <= -128f ? -128 : (int)r);
        }
        return (s, nudged);
    }

    private static (float, int) Symmetric(ReadOnlySpan<float> values, Span<sbyte> output, float min, float max)
    {
        float range = Math.Max(Math.Abs(min), Math.Abs(max));
        if (range == 0)
        {
            output[..values.Length].Clear();
            return (1f, 0);
        }
        float inverse = 127f / range;
        for (int i = 0; i < values.Length; i++)
        {
            float r = MathF.Round(values[i] * inverse, MidpointRounding.AwayFromZero);
            output[i] = (sbyte)(r >= 127f ? 127 : r <= -127f ? -127 : (int)r);
        }
        return (range / 127f, 0);
    }
}
