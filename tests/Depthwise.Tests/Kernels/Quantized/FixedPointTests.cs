using Depthwise.Kernels.Quantized;
using Xunit;

namespace Depthwise.Tests.Kernels.Quantized;

public class FixedPointTests
{
    [Theory]
    [InlineData(0.5, 1 << 30, 0)]
    [InlineData(0.25, 1 << 30, -1)]
    [InlineData(1.0, 1 << 30, 1)]
    [InlineData(0.75, 1610612736, 0)]
    [InlineData(3.0, 1610612736, 2)]
    public void QuantizeMultiplierSplitsIntoQ31AndShift(double m, int expectedMultiplier, int expectedShift)
    {
        var (mult, shift) = FixedPoint.QuantizeMultiplier(m);
        Assert.Equal(expectedMultiplier, mult);
        Assert.Equal(expectedShift, shift);
    }

    [Fact]
    public void QuantizeMultiplierRenormalizesWhenRoundingReachesTwoToThe31()
    {
        // Just below 1: q·2^31 rounds up to 2^31, so TFLite halves it and bumps the shift.
        var (mult, shift) = FixedPoint.QuantizeMultiplier(1 - 1e-12);
        Assert.Equal(1 << 30, mult);
        Assert.Equal(1, shift);
        Assert.Equal((0, 0), FixedPoint.QuantizeMultiplier(1e-12)); // below 2^-31 → 0
    }

    [Fact]
    public void MultiplyMatchesExactRationalRoundingAwayFromZero()
    {
        var rng = new Random(7);
        for (int i = 0; i < 20000; i++)
        {
            double m = Math.Exp(rng.NextDouble() * 12 - 10); // ~4.5e-5 .. 7.4
            var (mult, shift) = FixedPoint.QuantizeMultiplier(m);
            int x = rng.Next(-1 << 20, 1 << 20);
            int got = FixedPoint.MultiplyByQuantizedMultiplier(x, mult, shift);
            // Exact x·M·2^(shift−31): the high multiply rounds half up, the right shift rounds half away from zero.
            long left = (long)x << Math.Max(shift, 0);
            System.Numerics.BigInteger prod = (System.Numerics.BigInteger)left * mult;
            long high = (long)RoundHalfUp(prod, 31);
            long expected = shift >= 0 ? high : (long)RoundHalfAway(high, -shift);
            Assert.Equal(expected, got);
            Assert.True(Math.Abs(got - x * m) <= 1.0 + Math.Abs(x * m) * 1e-6, $"x={x} m={m} got={got}");
        }
    }

    [Theory]
    [InlineData(5, 1, 3)]   // 2.5 → 3
    [InlineData(-5, 1, -3)] // −2.5 → −3
    [InlineData(7, 2, 2)]   // 1.75 → 2
    [InlineData(-6, 2, -2)] // −1.5 → −2
    [InlineData(6, 2, 2)]   // 1.5 → 2
    [InlineData(123, 0, 123)]
    public void RoundingDivideByPotRoundsHalfAwayFromZero(int x, int exp, int expected) =>
        Assert.Equal(expected, FixedPoint.RoundingDivideByPot(x, exp));

    [Fact]
    public void HighMulSaturatesTheOneOverflow()
    {
        Assert.Equal(int.MaxValue, FixedPoint.SaturatingRoundingDoublingHighMul(int.MinValue, int.MinValue));
        Assert.Equal(0, FixedPoint.SaturatingRoundingDoublingHighMul(-1, 1 << 30));  // −0.5 → 0 (ties toward +∞)
        Assert.Equal(-1, FixedPoint.SaturatingRoundingDoublingHighMul(-3, 1 << 30)); // −1.5 → −1
        Assert.Equal(1, FixedPoint.SaturatingRoundingDoublingHighMul(1, 1 << 30));   // 0.5 → 1
    }

    private static System.Numerics.BigInteger RoundHalfUp(System.Numerics.BigInteger v, int bits)
    {
        var d = System.Numerics.BigInteger.One << bits;
        var shifted = v + (d >> 1);
        var q = System.Numerics.BigInteger.DivRem(shifted, d, out var r);
        return r.Sign < 0 ? q - 1 : q; // floor
    }

    private static System.Numerics.BigInteger RoundHalfAway(System.Numerics.BigInteger v, int bits)
    {
        var d = System.Numerics.BigInteger.One << bits;
        var q = System.Numerics.BigInteger.DivRem(System.Numerics.BigInteger.Abs(v), d, out var r);
        if (r * 2 >= d) q += 1;
        return v.Sign < 0 ? -q : q;
    }
}
