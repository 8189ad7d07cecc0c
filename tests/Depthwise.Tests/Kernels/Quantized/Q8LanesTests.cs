using System.Runtime.Intrinsics;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// The lane primitives of every width the process can run, against the scalar definitions: the fixed-point high
/// multiply and the whole requantization (both modes) on accumulators chosen to land on exact ties, the int16 pair
/// products, the byte loads and stores, and the portable forms the ARM64 path uses.
/// </summary>
public sealed unsafe class Q8LanesTests
{
    private static int[] Accumulators(Random rng, int count)
    {
        var acc = new int[count];
        for (int i = 0; i < count; i++)
            acc[i] = (i % 5) switch
            {
                0 => rng.Next(-300, 300),
                1 => rng.Next(-100000, 100000),
                2 => rng.Next(),
                3 => -rng.Next(),
                _ => (rng.Next(-1000, 1000) << rng.Next(0, 12)) + (rng.Next(2) == 0 ? 0 : 1 << rng.Next(0, 12)),
            };
        acc[0] = int.MinValue;
        acc[1] = int.MaxValue;
        acc[2] = 0;
        acc[3] = -1;
        return acc;
    }

    /// <summary>Multipliers that are powers of two (TFLite ties at every other accumulator) and arbitrary ones.</summary>
    private static double[] Multipliers(Random rng, int channels) =>
        Enumerable.Range(0, channels).Select(c => c % 3 == 0 ? Math.ScaleB(1, rng.Next(-12, 3)) : Math.Exp(rng.NextDouble() * 14 - 12)).ToArray();

    private static void Requantize<TLanes, TVec, TKind>(Q8Requantization q, int[] acc, int[] result)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind
    {
        var args = q.Args;
        int n = TLanes.Count;
        fixed (int* pa = acc)
        fixed (int* pr = result)
        {
            for (int c = 0; c + n <= q.Channels; c += n)
                TLanes.Store(pr + c, TKind.Requantize<TLanes, TVec>(TLanes.Load(pa + c), args, c));
        }
    }

    private static void CheckRequantize<TLanes, TVec>() where TLanes : IQ8Lanes<TVec> where TVec : struct
    {
        if (!TLanes.IsSupported) return;
        var rng = new Random(TLanes.Count);
        int channels = 64 * TLanes.Count;
        for (int round = 0; round < 50; round++)
        {
            var acc = Accumulators(rng, channels);
            var reals = Multipliers(rng, channels);
            int zp = rng.Next(-128, 256);
            var fixedPoint = Q8Requantization.FixedPoint(reals, channels, zp, -128 + rng.Next(0, 100), 127 + rng.Next(0, 129));
            var got = new int[channels];
            Requantize<TLanes, TVec, Q8FixedPointRequant>(fixedPoint, acc, got);
            for (int c = 0; c < channels; c++)
                Assert.True(fixedPoint.Apply(acc[c], c) == got[c], $"{typeof(TLanes).Name} fixed point acc={acc[c]} m={reals[c]}: {got[c]} vs {fixedPoint.Apply(acc[c], c)}");
            var half = Q8Requantization.RoundHalfEven(reals.Select(r => (float)r).ToArray(), channels, zp, Math.Min(0, zp), Math.Max(255, zp));
            Requantize<TLanes, TVec, Q8RoundHalfEvenRequant>(half, acc, got);
            for (int c = 0; c < channels; c++)
                Assert.True(half.Apply(acc[c], c) == got[c], $"{typeof(TLanes).Name} half-even acc={acc[c]} s={reals[c]}: {got[c]} vs {half.Apply(acc[c], c)}");
        }
    }

    private static void CheckPrimitives<TLanes, TVec>() where TLanes : IQ8Lanes<TVec> where TVec : struct
    {
        if (!TLanes.IsSupported) return;
        var rng = new Random(3);
        int n = TLanes.Count;
        var a = new int[n];
        var b = new int[n];
        var r = new int[n];
        var bytes = new byte[n];
        var stored = new byte[2 * n];
        for (int round = 0; round < 2000; round++)
        {
            for (int i = 0; i < n; i++)
            {
                a[i] = round % 3 == 0 ? rng.Next(-1000, 1000) << 20 : rng.Next() - rng.Next();
                b[i] = round % 2 == 0 ? 1 << 30 : rng.Next();
                if (round == 0) a[i] = i % 2 == 0 ? int.MinValue : int.MaxValue;
            }
            rng.NextBytes(bytes);
            fixed (int* pa = a, pb = b, pr = r)
            fixed (byte* pbytes = bytes, pstored = stored)
            {
                TLanes.Store(pr, TLanes.SaturatingRoundingDoublingHighMul(TLanes.Load(pa), TLanes.Load(pb)));
                for (int i = 0; i < n; i++) Assert.Equal(FixedPoint.SaturatingRoundingDoublingHighMul(a[i], b[i]), r[i]);

                TLanes.Store(pr, TLanes.MultiplyAddAdjacent(TLanes.Splat(7), TLanes.Load(pa), TLanes.Load(pb)));
                for (int i = 0; i < n; i++) Assert.Equal(unchecked(7 + (short)a[i] * (short)b[i] + (a[i] >> 16) * (b[i] >> 16)), r[i]);

                TLanes.Store(pr, TLanes.LoadU8(pbytes));
                for (int i = 0; i < n; i++) Assert.Equal(bytes[i], r[i]);
                TLanes.Store(pr, TLanes.LoadS8((sbyte*)pbytes));
                for (int i = 0; i < n; i++) Assert.Equal((sbyte)bytes[i], r[i]);

                var v = TLanes.LoadS8((sbyte*)pbytes);
                TLanes.StoreBytes2(pstored, v, TLanes.LoadU8(pbytes));
                for (int i = 0; i < n; i++) Assert.Equal(bytes[i], stored[i]);
                for (int i = 0; i < n; i++) Assert.Equal(bytes[i], stored[n + i]);
                TLanes.StoreBytes(pstored + n, v);
                for (int i = 0; i < n; i++) Assert.Equal(bytes[i], stored[n + i]);

                for (int i = 0; i < n; i++) b[i] = rng.Next(0, 32);
                TLanes.Store(pr, TLanes.ShiftLeftVariable(TLanes.Load(pa), TLanes.Load(pb)));
                for (int i = 0; i < n; i++) Assert.Equal(a[i] << b[i], r[i]);
                TLanes.Store(pr, TLanes.ShiftRightArithmeticVariable(TLanes.Load(pa), TLanes.Load(pb)));
                for (int i = 0; i < n; i++) Assert.Equal(a[i] >> b[i], r[i]);
            }
        }
    }

    [Fact] public void Requantize512() => CheckRequantize<Q8Lanes512, Vector512<int>>();
    [Fact] public void Requantize256() => CheckRequantize<Q8Lanes256, Vector256<int>>();
    [Fact] public void Requantize128() => CheckRequantize<Q8Lanes128, Vector128<int>>();
    [Fact] public void RequantizeScalar() => CheckRequantize<Q8LanesScalar, int>();
    [Fact] public void Primitives512() => CheckPrimitives<Q8Lanes512, Vector512<int>>();
    [Fact] public void Primitives256() => CheckPrimitives<Q8Lanes256, Vector256<int>>();
    [Fact] public void Primitives128() => CheckPrimitives<Q8Lanes128, Vector128<int>>();
    [Fact] public void PrimitivesScalar() => CheckPrimitives<Q8LanesScalar, int>();

    [Fact]
    public void PortableFormsMatchTheDefinitions()
    {
        var rng = new Random(9);
        for (int round = 0; round < 5000; round++)
        {
            var a = Vector128.Create(rng.Next() - rng.Next(), rng.Next(-1000, 1000) << 20, rng.Next(), -rng.Next());
            var b = Vector128.Create(1 << 30, rng.Next(), rng.Next(0, 1 << 20), rng.Next());
            var high = Q8Lanes128.SaturatingRoundingDoublingHighMulPortable(a, b);
            var pairs = Q8Lanes128.MultiplyAddAdjacentPortable(Vector128.Create(-3), a, b);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(FixedPoint.SaturatingRoundingDoublingHighMul(a[i], b[i]), high[i]);
                Assert.Equal(unchecked(-3 + (short)a[i] * (short)b[i] + (a[i] >> 16) * (b[i] >> 16)), pairs[i]);
            }
        }
    }
}
