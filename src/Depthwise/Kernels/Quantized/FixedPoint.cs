namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The fixed-point arithmetic TensorFlow Lite (and gemmlowp before it) uses to requantize integer accumulators:
/// a real multiplier m is stored as a Q31 integer M in [2^30, 2^31) and a power-of-two exponent, and
/// x·m is computed as a rounding doubling high multiply by M followed by a rounding right shift. Every quantized
/// kernel that must equal TFLite bit for bit goes through these functions (or a SIMD path tested against them).
/// </summary>
public static class FixedPoint
{
    /// <summary>
    /// Splits a non-negative real multiplier into a Q31 multiplier and a shift so that
    /// <c>m ≈ multiplier · 2^(shift − 31)</c>, as TFLite's <c>QuantizeMultiplier</c>: frexp, round half away from
    /// zero, renormalize when rounding reaches 2^31, and flush multipliers below 2^-31 to zero.
    /// </summary>
    /// <param name="realMultiplier">The multiplier, ≥ 0 and finite.</param>
    /// <returns>The Q31 multiplier (0 or in [2^30, 2^31)) and the left shift (negative: right shift).</returns>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double realMultiplier)
    {
        if (!(realMultiplier >= 0) || double.IsInfinity(realMultiplier))
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "a requantization multiplier must be finite and non-negative");
        if (realMultiplier == 0) return (0, 0);
        // frexp: realMultiplier = q · 2^shift with q in [0.5, 1).
        int shift = Math.ILogB(realMultiplier) + 1;
        double q = Math.ScaleB(realMultiplier, -shift);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (qFixed == 1L << 31)
        {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) return (0, 0);
        if (shift > 30) return (int.MaxValue, 30);
        return ((int)qFixed, shift);
    }

    /// <summary>
    /// round(a · b / 2^31) with ties toward +∞ (the nudge is +2^30 for a non-negative product and 1 − 2^30 for a
    /// negative one, then division truncates), saturating the one overflowing case (a = b = int.MinValue), as
    /// gemmlowp's <c>SaturatingRoundingDoublingHighMul</c>.
    /// </summary>
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        // C++ integer division truncates toward zero, as C#'s does.
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>x / 2^exponent rounded to nearest, ties away from zero (gemmlowp's <c>RoundingDivideByPOT</c>); exponent in [0, 31].</summary>
    public static int RoundingDivideByPot(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>
    /// x · multiplier · 2^(shift − 31) the way TFLite's <c>MultiplyByQuantizedMultiplier</c> computes it (the default,
    /// double-rounding form): left shift first when shift &gt; 0, then the doubling high multiply, then a rounding
    /// right shift when shift &lt; 0.
    /// </summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPot(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), multiplier), rightShift);
    }

    /// <summary>TFLite's <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>: shift ≤ 0, no left shift.</summary>
    public static int MultiplyByQuantizedMultiplierSmallerThanOneExp(int x, int multiplier, int shift) =>
        RoundingDivideByPot(SaturatingRoundingDoublingHighMul(x, multiplier), -shift);

    /// <summary>TFLite's <c>MultiplyByQuantizedMultiplierGreaterThanOne</c>: shift ≥ 0, left shift then the high multiply.</summary>
    public static int MultiplyByQuantizedMultiplierGreaterThanOne(int x, int multiplier, int shift) =>
        SaturatingRoundingDoublingHighMul(unchecked(x * (1 << shift)), multiplier);
}
