namespace Depthwise.Conformance.TfLiteSynthetic;

/// <summary>
/// Seeded weights and quantization parameters for the synthetic models, the way TFLite's converter makes them:
/// activations asymmetric (uint8 0..255 or int8 −128..127, zero point where real 0 falls), uint8 weights asymmetric per
/// tensor, int8 weights symmetric (zero point 0) per output channel, biases int32 at scale s_input·s_weight.
/// The generator (mulberry32) is spelled out here so that a model's bytes never depend on the .NET version.
/// </summary>
internal sealed class SyntheticData(uint seed)
{
    private uint _state = seed;

    /// <summary>Uniform in [0, 1).</summary>
    public double Next()
    {
        unchecked
        {
            _state += 0x6D2B79F5;
            uint t = _state;
            t = (t ^ (t >> 15)) * (t | 1);
            t ^= t + (t ^ (t >> 7)) * (t | 61);
            return (t ^ (t >> 14)) / 4294967296.0;
        }
    }

    /// <summary><paramref name="count"/> floats uniform in [lo, hi).</summary>
    public float[] Floats(int count, double lo, double hi)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(lo + (hi - lo) * Next());
        return v;
    }

    /// <summary>
    /// Asymmetric activation quantization for a tensor whose values lie in about [min, max] (which must contain 0): each
    /// end moved by up to ±6 %, as a calibrated range would be. Round ranges would give scales in simple ratios (e.g.
    /// 4.5/255 against 4/255), whose rescaled values land exactly on .5 far more often than in a real model, where the
    /// tie-breaking rules of TFLite's reference kernels and of XNNPACK then decide many outputs.
    /// </summary>
    public TflQuant Activation(double min, double max, TflType type) =>
        ExactActivation(min * (0.94 + 0.12 * Next()), max * (0.94 + 0.12 * Next()), type);

    /// <summary>Asymmetric quantization covering exactly [min, max] (which must contain 0) in <paramref name="type"/>.</summary>
    public static TflQuant ExactActivation(double min, double max, TflType type)
    {
        var (qmin, qmax) = Range(type);
        double scale = (max - min) / (qmax - qmin);
        long zero = Math.Clamp((long)Math.Round(qmin - min / scale, MidpointRounding.AwayFromZero), qmin, qmax);
        return TflQuant.Of((float)scale, zero);
    }

    /// <summary>The stored range of an 8-bit type.</summary>
    public static (int Min, int Max) Range(TflType type) => type == TflType.UInt8 ? (0, 255) : (-128, 127);

    /// <summary>uint8 weights quantized asymmetrically per tensor (the uint8 converter's form).</summary>
    public static (byte[] Values, TflQuant Quant) AsymmetricUInt8(float[] w)
    {
        double min = Math.Min(0, w.Min()), max = Math.Max(0, w.Max());
        var q = ExactActivation(min, max, TflType.UInt8);
        var v = new byte[w.Length];
        for (int i = 0; i < w.Length; i++) v[i] = (byte)Math.Clamp(Math.Round(w[i] / q.Scales[0], MidpointRounding.AwayFromZero) + q.ZeroPoints[0], 0, 255);
        return (v, q);
    }

    /// <summary>
    /// int8 weights quantized symmetrically (zero point 0), one scale per slice along <paramref name="axis"/> of
    /// <paramref name="shape"/> (per channel), or one for the tensor when <paramref name="axis"/> is null.
    /// </summary>
    public static (sbyte[] Values, TflQuant Quant) SymmetricInt8(float[] w, int[] shape, int? axis)
    {
        int channels = axis is { } a ? shape[a] : 1;
        int inner = 1;
        if (axis is { } ax) for (int d = ax + 1; d < shape.Length; d++) inner *= shape[d];
        int Channel(int i) => axis is null ? 0 : i / inner % channels;
        var max = new double[channels];
        for (int i = 0; i < w.Length; i++) max[Channel(i)] = Math.Max(max[Channel(i)], Math.Abs(w[i]));
        var scales = max.Select(m => (float)(m > 0 ? m / 127 : 1)).ToArray();
        var v = new sbyte[w.Length];
        for (int i = 0; i < w.Length; i++) v[i] = (sbyte)Math.Clamp(Math.Round(w[i] / scales[Channel(i)], MidpointRounding.AwayFromZero), -127, 127);
        return (v, new TflQuant(scales, new long[channels], axis ?? 0));
    }

    /// <summary>An int32 bias for a quantized conv/FC: real bias / (s_input · s_weight[c]), with its quantization (per channel when the weights are).</summary>
    public static (int[] Values, TflQuant Quant) Bias(float[] b, float inputScale, TflQuant weights)
    {
        var scales = new float[b.Length];
        var v = new int[b.Length];
        for (int c = 0; c < b.Length; c++)
        {
            scales[c] = (float)((double)inputScale * weights.Scales[weights.Scales.Length == 1 ? 0 : c]);
            v[c] = (int)Math.Round(b[c] / (double)scales[c], MidpointRounding.AwayFromZero);
        }
        return weights.Scales.Length == 1 ? (v, TflQuant.Of(scales[0], 0)) : (v, new TflQuant(scales, new long[b.Length], 0));
    }
}
