using System.Numerics;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The float output stage of a hybrid (dynamic-range) layer: int32 accumulator → <c>clamp(acc·(sw[c]·sx) + b[c])</c>,
/// or <c>clamp((acc·sx)·sw[c] + b[c])</c> in TFLite's depthwise order. Each product and the sum are rounded to float
/// separately (never fused), as TFLite's kernels compute them. <see cref="Apply"/> is the scalar definition;
/// <see cref="ApplyRows"/> the vector form over NHWC rows, equal to it bit for bit.
/// </summary>
/// <param name="WeightScales">sw per output channel.</param>
/// <param name="Min">Lower clamp of the fused activation.</param>
/// <param name="Max">Upper clamp.</param>
/// <param name="DepthwiseOrder">Scale as (acc·sx)·sw[c] instead of acc·(sw[c]·sx).</param>
internal sealed record HybridEpilogue(float[] WeightScales, float Min, float Max, bool DepthwiseOrder)
{
    /// <summary>The output of accumulator <paramref name="acc"/> of channel <paramref name="channel"/>.</summary>
    public float Apply(int acc, int channel, float inputScale, float bias)
    {
        float v = DepthwiseOrder ? acc * inputScale * WeightScales[channel] : acc * (WeightScales[channel] * inputScale);
        v += bias;
        return v < Min ? Min : v > Max ? Max : v;
    }

    /// <summary>
    /// Writes <paramref name="rows"/> rows of <see cref="WeightScales"/>.Length channels: <paramref name="output"/> from
    /// <paramref name="acc"/> (both row-major, rows of C), with <paramref name="channelScales"/> (C floats of scratch).
    /// </summary>
    public void ApplyRows(ReadOnlySpan<int> acc, Span<float> output, int rows, float inputScale, ReadOnlySpan<float> bias, Span<float> channelScales)
    {
        int channels = WeightScales.Length;
        var scales = channelScales[..channels];
        for (int c = 0; c < channels; c++) scales[c] = DepthwiseOrder ? WeightScales[c] : WeightScales[c] * inputScale;
        int width = Vector<float>.Count;
        var vsx = new Vector<float>(inputScale);
        var vmin = new Vector<float>(Min);
        var vmax = new Vector<float>(Max);
        for (int r = 0; r < rows; r++)
        {
            var a = acc.Slice(r * channels, channels);
            var y = output.Slice(r * channels, channels);
            int c = 0;
            if (Vector.IsHardwareAccelerated && !bias.IsEmpty)
            {
                for (; c + width <= channels; c += width)
                {
                    var v = Vector.ConvertToSingle(new Vector<int>(a[c..]));
                    var s = new Vector<float>(scales[c..]);
                    v = DepthwiseOrder ? v * vsx * s : v * s;
                    v += new Vector<float>(bias[c..]);
                    Vector.Min(Vector.Max(v, vmin), vmax).CopyTo(y[c..]);
                }
            }
            for (; c < channels; c++)
            {
                float v = DepthwiseOrder ? a[c] * inputScale * scales[c] : a[c] * scales[c];
                v += bias.IsEmpty ? 0f : bias[c];
                y[c] = v < Min ? Min : v > Max ? Max : v;
            }
        }
    }
}
