using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// Builds the 256-entry table of an 8-bit → 8-bit function for <see cref="QLinearLookupOp"/>: entry b is the output's
/// stored byte for the input whose stored byte is b. Each entry is computed the way the runtime computes that function
/// for that one value, so the table reproduces it exactly:
/// TFLite (<see cref="RequantizeMode.TfLiteFixedPoint"/>) — QUANTIZE's and the RELUs' and LEAKY_RELU's fixed-point
/// requantization, CONCATENATION's float rescale, PopulateLookupTable's float formula for LOGISTIC, TANH and ELU
/// (dequantize, evaluate in float, round half away from zero), HARD_SWISH's 16-bit fixed point;
/// ONNX Runtime (<see cref="RequantizeMode.FloatRoundHalfEven"/>) — QlinearBuildLookupTable: dequantize, evaluate
/// (MLAS's logistic polynomial for Sigmoid), quantize with MlasQuantizeLinear (divide, clamp, round half to even).
/// </summary>
internal static class Q8LookupTable
{
    /// <summary>The table for <paramref name="kind"/> from (<paramref name="input"/>, <paramref name="inType"/>) to (<paramref name="output"/>, <paramref name="outType"/>).</summary>
    /// <exception cref="ArgumentException">A multiplier TFLite cannot represent (e.g. a negative LeakyRelu alpha).</exception>
    public static byte[] Build(QLinearLookupKind kind, QuantParams input, DataType inType, QuantParams output, DataType outType, float alpha, RequantizeMode mode)
    {
        float si = input.Scales[0], so = output.Scales[0];
        int zi = (int)input.ZeroPoints[0], zo = (int)output.ZeroPoints[0];
        int inOffset = inType == DataType.Int8 ? 128 : 0, outOffset = outType == DataType.Int8 ? 128 : 0;
        int omin = -outOffset, omax = 255 - outOffset;
        Func<int, int> f = mode == RequantizeMode.FloatRoundHalfEven
            ? OnnxRuntime(kind, si, zi, so, zo, omin, omax, alpha)
            : TfLite(kind, si, zi, so, zo, omin, omax, alpha);
        var table = new byte[256];
        for (int b = 0; b < 256; b++)
        {
            int x = (b ^ (inOffset == 0 ? 0 : 0x80)) - inOffset;
            int y = Math.Clamp(f(x), omin, omax);
            table[b] = (byte)((y + outOffset) ^ (outOffset == 0 ? 0 : 0x80));
        }
        return table;
    }

    private static Func<int, int> TfLite(QLinearLookupKind kind, float si, int zi, float so, int zo, int omin, int omax, float alpha)
    {
        switch (kind)
        {
            case QLinearLookupKind.Identity:
                {
                    var (m, s) = FixedPoint.QuantizeMultiplier((double)si / so);
                    return x => FixedPoint.MultiplyByQuantizedMultiplier(x - zi, m, s) + zo;
                }
            case QLinearLookupKind.Rescale:
                {
                    float scale = si * (1f / so), bias = -zi * scale;
                    return x => (int)MathF.Round(x * scale + bias, MidpointRounding.AwayFromZero) + zo;
                }
            case QLinearLookupKind.Sigmoid: return PopulateLookupTable(si, zi, so, zo, v => 1.0f / (1.0f + MathF.Exp(-v)));
            case QLinearLookupKind.Tanh: return PopulateLookupTable(si, zi, so, zo, MathF.Tanh);
            case QLinearLookupKind.Elu: return PopulateLookupTable(si, zi, so, zo, v => v < 0.0 ? MathF.Exp(v) - 1.0f : v);
            case QLinearLookupKind.HardSwish: return HardSwish(si, zi, so, zo);
            case QLinearLookupKind.LeakyRelu:
                {
                    var (ma, sa) = FixedPoint.QuantizeMultiplier(si * alpha / so);
                    var (mi, sid) = FixedPoint.QuantizeMultiplier(si / so);
                    return x => x - zi >= 0
                        ? zo + FixedPoint.MultiplyByQuantizedMultiplier(x - zi, mi, sid)
                        : zo + FixedPoint.MultiplyByQuantizedMultiplier(x - zi, ma, sa);
                }
            default:
                {
                    // QuantizedReluX: rescale by s_in/s_out (a float ratio), clamp to the activation's quantized bounds.
                    var (lo, hi) = kind switch
                    {
                        QLinearLookupKind.Relu => (0f, float.PositiveInfinity),
                        QLinearLookupKind.Relu6 => (0f, 6f),
                        _ => (-1f, 1f),
                    };
                    int qmin = Math.Max(omin, zo + (int)MathF.Round(lo / so, MidpointRounding.AwayFromZero));
                    int qmax = float.IsPositiveInfinity(hi) ? omax : Math.Min(omax, zo + (int)MathF.Round(hi / so, MidpointRounding.AwayFromZero));
                    var (m, s) = FixedPoint.QuantizeMultiplier(si / so);
                    return x => Math.Min(Math.Max(zo + FixedPoint.MultiplyByQuantizedMultiplier(x - zi, m, s), qmin), qmax);
                }
        }
    }

    /// <summary>TFLite's PopulateLookupTable: dequantize and evaluate in float, round half away from zero at 1/s_out, add z_out.</summary>
    private static Func<int, int> PopulateLookupTable(float si, int zi, float so, int zo, Func<float, float> transform)
    {
        float inverseScale = 1 / so;
        return x =>
        {
            float rescaled = MathF.Round(transform(si * (x - zi)) * inverseScale, MidpointRounding.AwayFromZero);
            float q = rescaled + zo;
            return float.IsNaN(q) ? 0 : (int)Math.Clamp(q, -1e9f, 1e9f);
        };
    }

    /// <summary>TFLite's 8-bit HardSwish (reference_ops::HardSwish with HardSwishPrepare's parameters), in its int16 arithmetic.</summary>
    private static Func<int, int> HardSwish(float si, int zi, float so, int zo)
    {
        float hiresInputScale = (1.0f / 128.0f) * si;
        const float ReluishScale = 3.0f / 32768.0f;
        var (outMul32, outExp) = FixedPoint.QuantizeMultiplier(hiresInputScale / so);
        short outMul = DownScaleToInt16(outMul32);
        if (outExp > 0) throw new ArgumentException($"HardSwish's output multiplier {hiresInputScale / so} needs a left shift (TFLite requires the output scale to be at least 1/128 of the input's)");
        var (reluMul32, reluExp) = FixedPoint.QuantizeMultiplier(hiresInputScale / ReluishScale);
        short reluMul = DownScaleToInt16(reluMul32);
        return x =>
        {
            short inputValue = (short)(x - zi);
            short hires = (short)(inputValue * (1 << 7));
            short preshiftOutput = Srdhm16(hires, outMul);
            short reluish = hires;
            if (reluExp > 0) reluish = SaturatingLeftShift16(reluish, reluExp - 1);
            reluish = Srdhm16(reluish, reluMul);
            if (reluExp > 0) reluish = SaturatingLeftShift16(reluish, 1);
            if (reluExp < 0) reluish = (short)FixedPoint.RoundingDivideByPot(reluish, -reluExp);
            reluish = (short)((reluish + (1 << 15)) >> 1);
            short preshift = SaturatingDoublingHighMul16(reluish, preshiftOutput);
            short output = (short)FixedPoint.RoundingDivideByPot(preshift, -outExp);
            return output + zo;
        };
    }

    private static short DownScaleToInt16(int m)
    {
        const int RoundingOffset = 1 << 15;
        if (m >= int.MaxValue - RoundingOffset) return short.MaxValue;
        return (short)((m + RoundingOffset) >> 16);
    }

    /// <summary>gemmlowp's SaturatingRoundingDoublingHighMul on int16.</summary>
    private static short Srdhm16(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short)((ab + nudge) / (1 << 15));
    }

    /// <summary>The int16 doubling high multiply that truncates (TFLite's SaturatingDoublingHighMul, like SQDMULH).</summary>
    private static short SaturatingDoublingHighMul16(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        return (short)(a * b / (1 << 15));
    }

    private static short SaturatingLeftShift16(short value, int amount) =>
        (short)Math.Clamp((long)value * (1L << amount), short.MinValue, short.MaxValue);

    private static Func<int, int> OnnxRuntime(QLinearLookupKind kind, float si, int zi, float so, int zo, int omin, int omax, float alpha)
    {
        Func<float, float> transform = kind switch
        {
            QLinearLookupKind.Sigmoid => MlasLogistic,
            QLinearLookupKind.Tanh => MathF.Tanh,
            QLinearLookupKind.HardSwish => v => v * Math.Max(0f, Math.Min(1f, v * (1f / 6f) + 0.5f)),
            QLinearLookupKind.Relu => v => v < 0 ? 0 : v,
            QLinearLookupKind.Relu6 => v => Math.Min(Math.Max(v, 0f), 6f),
            QLinearLookupKind.ReluN1To1 => v => Math.Min(Math.Max(v, -1f), 1f),
            QLinearLookupKind.LeakyRelu => v => v >= 0.0f ? v : alpha * v,
            QLinearLookupKind.Elu => v => v < 0 ? MathF.Exp(v) - 1f : v,
            _ => v => v,
        };
        float lo = omin - zo, hi = omax - zo;
        return x => Q8ElementwiseLanesScalar.RoundToEven(Q8ElementwiseLanesScalar.ClampF(transform(si * (x - zi)) / so, lo, hi)) + zo;
    }

    /// <summary>MLAS's logistic (Eigen's rational approximation, with FMA as its x64 kernels compute it).</summary>
    internal static float MlasLogistic(float x)
    {
        float v = x < -18f ? -18f : x;
        v = v > 18f ? 18f : v;
        float v2 = v * v;
        float p = MathF.FusedMultiplyAdd(v2, 4.37031012579801e-11f, 1.15627324459942e-07f);
        p = MathF.FusedMultiplyAdd(p, v2, 6.08574864600143e-05f);
        p = MathF.FusedMultiplyAdd(p, v2, 8.51377133304701e-03f);
        p = MathF.FusedMultiplyAdd(p, v2, 2.48287947061529e-01f);
        p *= v;
        float q = MathF.FusedMultiplyAdd(v2, 6.10247389755681e-13f, 5.76102136993427e-09f);
        q = MathF.FusedMultiplyAdd(q, v2, 6.29106785017040e-06f);
        q = MathF.FusedMultiplyAdd(q, v2, 1.70198817374094e-03f);
        q = MathF.FusedMultiplyAdd(q, v2, 1.16817656904453e-01f);
        q = MathF.FusedMultiplyAdd(q, v2, 9.93151921023180e-01f);
        return Math.Clamp(p / q + 0.5f, 0f, 1f);
    }
}
