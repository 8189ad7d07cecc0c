using System.Runtime.Intrinsics;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// The lane primitives every 8-bit elementwise kernel is written with, each width against the scalar lanes (which call
/// <see cref="FixedPoint"/>): widening and narrowing order, the doubling high multiply for every sign, the rounding
/// right shift for every exponent, and the float roundings. test.sh re-runs these with the wide ISAs off.
/// </summary>
public unsafe class Q8ElementwiseLanesTests
{
    [Fact]
    public void EveryWidthMovesFourIntVectorsOfBytesPerStep()
    {
        Assert.Equal(4 * Q8ElementwiseLanes512.Count, Q8ElementwiseLanes512.ByteCount);
        Assert.Equal(4 * Q8ElementwiseLanes256.Count, Q8ElementwiseLanes256.ByteCount);
        Assert.Equal(4 * Q8ElementwiseLanes128.Count, Q8ElementwiseLanes128.ByteCount);
        Assert.Equal(4 * Q8ElementwiseLanesScalar.Count, Q8ElementwiseLanesScalar.ByteCount);
        Assert.Equal((64, 32, 16, 4), (Q8ElementwiseLanes512.ByteCount, Q8ElementwiseLanes256.ByteCount, Q8ElementwiseLanes128.ByteCount, Q8ElementwiseLanesScalar.ByteCount));
    }

    [Fact]
    public void Width512MatchesScalar() => Check<Q8ElementwiseLanes512, Vector512<int>, Vector512<float>>(Vector512.IsHardwareAccelerated);

    [Fact]
    public void Width256MatchesScalar() => Check<Q8ElementwiseLanes256, Vector256<int>, Vector256<float>>(Vector256.IsHardwareAccelerated);

    [Fact]
    public void Width128MatchesScalar() => Check<Q8ElementwiseLanes128, Vector128<int>, Vector128<float>>(Vector128.IsHardwareAccelerated);

    private static void Check<TL, TI, TF>(bool accelerated)
        where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : unmanaged where TF : unmanaged
    {
        // The software fallbacks are exercised too: when the width is not accelerated the same code runs emulated.
        _ = accelerated;
        var rng = new Random(3);
        int w = TL.ByteCount, c = TL.Count;
        var bytes = new byte[w];
        var back = new byte[w];
        var ints = new int[c];
        var floats = new float[c];
        foreach (byte flip in new byte[] { 0, 0x80 })
        {
            rng.NextBytes(bytes);
            fixed (byte* pb = bytes, pk = back)
            {
                TL.LoadWidened(pb, flip, out var x0, out var x1, out var x2, out var x3);
                var all = new[] { x0, x1, x2, x3 };
                for (int v = 0; v < 4; v++)
                    for (int i = 0; i < c; i++)
                        Assert.Equal(bytes[v * c + i] ^ flip, Lane(all[v], i));
                TL.StoreNarrowed(pk, flip, x0, x1, x2, x3);
            }
            Assert.Equal(bytes, back);
        }

        for (int trial = 0; trial < 2000; trial++)
        {
            int m = rng.Next(2) == 0 ? rng.Next(1 << 30, int.MaxValue) : -rng.Next(1 << 30, int.MaxValue);
            if (trial == 0) m = 0;
            int e = trial % 32;
            for (int i = 0; i < c; i++)
            {
                ints[i] = trial % 3 == 0 ? rng.Next(-300, 300) : rng.Next(int.MinValue, int.MaxValue);
                floats[i] = trial % 2 == 0 ? (rng.Next(-2000, 2000) + 0.5f * rng.Next(0, 2)) / (trial % 4 == 0 ? 1 : 2) : (float)((rng.NextDouble() - 0.5) * 1e6);
            }
            fixed (int* pi = ints)
            fixed (float* pf = floats)
            {
                var x = *(TI*)pi;
                var f = *(TF*)pf;
                var srdhm = TL.Srdhm(x, TL.Splat(m));
                var rdbpot = TL.RoundingDivideByPot(x, e);
                var even = TL.RoundToEven(f);
                var away = TL.RoundAwayFromZero(f);
                for (int i = 0; i < c; i++)
                {
                    Assert.Equal(FixedPoint.SaturatingRoundingDoublingHighMul(ints[i], m), Lane(srdhm, i));
                    Assert.Equal(FixedPoint.RoundingDivideByPot(ints[i], e), Lane(rdbpot, i));
                    Assert.Equal(Q8ElementwiseLanesScalar.RoundToEven(floats[i]), Lane(even, i));
                    Assert.Equal(Q8ElementwiseLanesScalar.RoundAwayFromZero(floats[i]), Lane(away, i));
                }
            }
        }

        // NaN clamps to the low bound, as MAXPS does.
        var nan = TL.ClampF(TL.SplatF(float.NaN), TL.SplatF(-3), TL.SplatF(5));
        var big = TL.ClampF(TL.SplatF(1e9f), TL.SplatF(-3), TL.SplatF(5));
        Assert.Equal(-3f, LaneF(nan, 0));
        Assert.Equal(5f, LaneF(big, c - 1));
    }

    private static int Lane<TI>(TI v, int i) where TI : unmanaged => ((int*)&v)[i];

    private static float LaneF<TF>(TF v, int i) where TF : unmanaged => ((float*)&v)[i];
}
