using Depthwise.Kernels.Quantized;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// <see cref="HybridQuantizer"/> on cases worked by hand with TFLite's formulas (tensor_utils Asymmetric/
/// SymmetricQuantizeFloats): rounding half away from zero, the zero point nudged from the end with the smaller error
/// and clamped, the empty range.
/// </summary>
public sealed class HybridQuantizerTests
{
    [Fact]
    public void SymmetricMapsTheLargestMagnitudeTo127AndRoundsHalfAwayFromZero()
    {
        // range 2 → 1/s = 63.5: −1 → −63.5 → −64 (away from zero), 0.5 → 31.75 → 32, 2 → 127.
        var q = new sbyte[3];
        var (scale, zero) = HybridQuantizer.Quantize(HybridInputQuantization.Symmetric, [-1f, 0.5f, 2f], q);
        Assert.Equal(2f / 127f, scale);
        Assert.Equal(0, zero);
        Assert.Equal(new sbyte[] { -64, 32, 127 }, q);
    }

    [Fact]
    public void AsymmetricPicksTheZeroPointFromTheEndWithTheSmallerError()
    {
        // rmin −1, rmax 3: s = 4/255; from min −128 + 63.75 = −64.25 (error 191.75), from max 127 − 191.25 = −64.25
        // (error 318.25) → −64.25 → −64. q = round(−64 + x·63.75): −1 → −127.75 → −128; 0 → −64; 1 → −0.25 → 0;
        // 3 → 127.25 → 127.
        var q = new sbyte[4];
        var (scale, zero) = HybridQuantizer.Quantize(HybridInputQuantization.Asymmetric, [-1f, 0f, 1f, 3f], q);
        Assert.Equal((float)(4.0 / 255.0), scale);
        Assert.Equal(-64, zero);
        Assert.Equal(new sbyte[] { -128, -64, 0, 127 }, q);
    }

    [Fact]
    public void AsymmetricClampsTheZeroPointOfAllPositiveData()
    {
        // rmin = 0 (the range always holds 0), rmax 2: zero point −128 exactly; 1 → −128 + 127.5 = −0.5 → −1 (away).
        var q = new sbyte[2];
        var (scale, zero) = HybridQuantizer.Quantize(HybridInputQuantization.Asymmetric, [1f, 2f], q);
        Assert.Equal((float)(2.0 / 255.0), scale);
        Assert.Equal(-128, zero);
        Assert.Equal(new sbyte[] { -1, 127 }, q);
    }

    [Theory]
    [InlineData(HybridInputQuantization.Asymmetric)]
    [InlineData(HybridInputQuantization.Symmetric)]
    public void AllZeroInputGivesScaleOneAndZeros(HybridInputQuantization mode)
    {
        var q = new sbyte[] { 5, 5, 5 };
        var (scale, zero) = HybridQuantizer.Quantize(mode, [0f, 0f, 0f], q);
        Assert.Equal(1f, scale);
        Assert.Equal(0, zero);
        Assert.All(q, v => Assert.Equal(0, v));
    }

    [Fact]
    public void LongInputsTakeTheVectorMinMaxAndStillMatchTheScalarDefinition()
    {
        var rng = new Random(3);
        var x = Enumerable.Range(0, 1001).Select(_ => (float)(rng.NextDouble() * 10 - 3)).ToArray();
        x[777] = -7.5f;
        x[999] = 9.25f;
        var q = new sbyte[x.Length];
        var (scale, zero) = HybridQuantizer.Quantize(HybridInputQuantization.Asymmetric, x, q);
        double s = (9.25 + 7.5) / 255.0;
        Assert.Equal((float)s, scale);
        double zp = -128 + 7.5 / s;   // from min; its error 128 + 7.5/s < 127 + 9.25/s
        Assert.Equal((int)Math.Round(zp, MidpointRounding.AwayFromZero), zero);
        Assert.Equal(-128, q[777]);
        Assert.Equal(127, q[999]);
        float inv = 1f / scale;
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(Math.Clamp((int)MathF.Round(zero + x[i] * inv, MidpointRounding.AwayFromZero), -128, 127), q[i]);
    }
}
