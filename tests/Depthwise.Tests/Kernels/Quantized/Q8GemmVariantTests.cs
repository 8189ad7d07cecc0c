using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// Every quantized GEMM variant against <see cref="Q8GemmReference"/>, bit for bit, over sizes around the tiles,
/// both data types, both requantizations, per-tensor and per-column zero points at their extremes. test.sh re-runs
/// this namespace with AVX-512, AVX2 and all intrinsics switched off.
/// </summary>
public sealed class Q8GemmVariantTests(ITestOutputHelper output)
{
    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (var v in Q8GemmCatalog.Supported) data.Add(v.Name);
        return data;
    }

    private Q8GemmVariant Require(string name)
    {
        var v = Q8GemmCatalog.Find(name) ?? throw new InvalidOperationException(name);
        Assert.True(v.IsSupported, name);
        output.WriteLine($"running {v.Name} (MR={v.MR}, NR={v.NR}); best here: {Q8GemmCatalog.Best.Name}");
        return v;
    }

    [Fact]
    public void CatalogHonoursIsaSwitches()
    {
        output.WriteLine("supported: " + string.Join(", ", Q8GemmCatalog.Supported.Select(v => v.Name)));
        foreach (var v in Q8GemmCatalog.All)
        {
            bool expected = v.Isa switch
            {
                GemmIsa.V512 => Avx512BW.IsSupported,
                GemmIsa.V256 => Avx2.IsSupported,
                GemmIsa.V128 => Vector128.IsHardwareAccelerated,
                _ => true,
            };
            Assert.Equal(expected, v.IsSupported);
            Assert.Equal($"Q8Gemm_{v.MR}x{v.NR}_{v.Isa}", v.Name);
        }
        Assert.Same(Q8GemmCatalog.Supported[0], Q8GemmCatalog.Best);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0") Assert.Equal(GemmIsa.Scalar, Q8GemmCatalog.Best.Isa);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0") Assert.True(Q8GemmCatalog.Best.Isa <= GemmIsa.V128);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0") Assert.True(Q8GemmCatalog.Best.Isa <= GemmIsa.V256);
    }

    [Fact]
    public void KernelNamesSayTypeAndRequantization()
    {
        var v = Q8GemmCatalog.All[0];
        Assert.Equal("QU8GemmFixedPoint_7x32_V512", v.KernelName(DataType.UInt8, RequantizeMode.TfLiteFixedPoint));
        Assert.Equal("QS8GemmRoundHalfEven_7x32_V512", v.KernelName(DataType.Int8, RequantizeMode.FloatRoundHalfEven));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReferenceAroundTheTiles(string name)
    {
        var v = Require(name);
        var rng = new Random(11);
        int cases = 0;
        int[] ms = [1, 2, v.MR - 1, v.MR, v.MR + 1, 2 * v.MR + 3, 17];
        int[] ns = [1, 3, v.NR / 2, v.NR / 2 + 1, v.NR - 1, v.NR, v.NR + 1, 2 * v.NR + 5, 70];
        int[] ks = [0, 1, 2, 3, 8, 17, 64];
        foreach (int m in ms.Where(x => x >= 1).Distinct())
            foreach (int n in ns.Where(x => x >= 1).Distinct())
                foreach (int k in ks)
                {
                    var c = QGemmCase.Random(rng, m, n, k);
                    c.AssertVariantMatchesReference(v, rng);
                    cases++;
                }
        output.WriteLine($"{cases} cases");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReferenceOnMobileNetShapes(string name)
    {
        var v = Require(name);
        var rng = new Random(5);
        foreach (var (m, k, n) in new[] { (49, 320, 1280), (196, 96, 24), (1, 1280, 1000), (98, 576, 160), (63, 27, 32) })
            QGemmCase.Random(rng, m, n, k).AssertVariantMatchesReference(v, rng);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ExtremeValuesDoNotOverflow(string name)
    {
        // (0 − 255)·(255 − 0)… at every k: the int16 pairs reach their bounds, the accumulator ±65025·K.
        var v = Require(name);
        var rng = new Random(3);
        foreach (bool aSigned in new[] { false, true })
            foreach (bool bSigned in new[] { false, true })
            {
                var c = QGemmCase.Random(rng, 9, 37, 301, aSigned, bSigned);
                Array.Fill(c.A, aSigned ? (byte)0x80 : (byte)0);
                c.AZeroPoint = aSigned ? 127 : 255;
                for (int i = 0; i < c.B.Length; i++) c.B[i] = (byte)(i % 2 == 0 ? (bSigned ? 0x7F : 0xFF) : (bSigned ? 0x80 : 0));
                c.BZeroPoints = [bSigned ? -128 : 0];
                c.AssertVariantMatchesReference(v, rng);
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void AnySplitOfTheTilesGivesTheSameBytes(string name)
    {
        var v = Require(name);
        var rng = new Random(8);
        var c = QGemmCase.Random(rng, 3 * v.MR + 2, 3 * v.NR + 3, 29);
        var q = c.Requantization(RequantizeMode.TfLiteFixedPoint);
        var w = c.Pack(v);
        var expected = c.RunReference(q);
        var full = v.FullRange(c.M, w);
        for (int parts = 1; parts <= 7; parts++)
        {
            var got = new byte[c.M * c.N];
            var scratch = new short[v.ScratchShorts(c.K)];
            for (int i = 0; i < parts; i++)
                v.Run(w, q, c.M, c.A, c.K, c.ASigned, c.AZeroPoint, got, c.N, full.Part(i, parts), scratch);
            Assert.Equal(expected, got);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RunAllocatesNothing(string name)
    {
        var v = Require(name);
        var c = QGemmCase.Random(new Random(1), 20, 40, 33);
        var q = c.Requantization(RequantizeMode.FloatRoundHalfEven);
        var w = c.Pack(v);
        var got = new byte[c.M * c.N];
        var scratch = new short[v.ScratchShorts(c.K)];
        var range = v.FullRange(c.M, w);
        v.Run(w, q, c.M, c.A, c.K, c.ASigned, c.AZeroPoint, got, c.N, range, scratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) v.Run(w, q, c.M, c.A, c.K, c.ASigned, c.AZeroPoint, got, c.N, range, scratch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void PackMatchesReferencePacking()
    {
        var rng = new Random(2);
        foreach (int nr in new[] { 2, 8, 16, 32 })
            foreach (var (k, n) in new[] { (0, 3), (1, 1), (5, 7), (16, 33), (27, 32) })
                foreach (bool signed in new[] { false, true })
                    foreach (bool transposed in new[] { false, true })
                    {
                        var b = new byte[k * n];
                        rng.NextBytes(b);
                        int[] zp = rng.Next(2) == 0 ? [rng.Next(signed ? -128 : 0, signed ? 128 : 256)] : Enumerable.Range(0, n).Select(_ => rng.Next(signed ? -128 : 0, signed ? 128 : 256)).ToArray();
                        int[] bias = rng.Next(2) == 0 ? [] : Enumerable.Range(0, n).Select(_ => rng.Next(-100000, 100000)).ToArray();
                        var (sk, sn) = transposed ? (1, k) : (n, 1);
                        var fast = Q8GemmPackedWeights.Pack(nr, k, n, b, signed, sk, sn, zp, bias);
                        var reference = Q8GemmPackedWeights.PackReference(nr, k, n, b, signed, sk, sn, zp, bias);
                        Assert.Equal(reference.Data.ToArray(), fast.Data.ToArray());
                    }
    }

    [Fact]
    public void ArgumentErrors()
    {
        var v = Q8GemmCatalog.Best;
        var c = QGemmCase.Random(new Random(4), 4, 5, 6);
        var w = c.Pack(v);
        var q = c.Requantization(RequantizeMode.TfLiteFixedPoint);
        var scratch = new short[v.ScratchShorts(c.K)];
        Assert.Throws<ArgumentException>(() => v.Run(w, q, c.M, c.A.AsSpan(1), c.K, false, 0, new byte[c.M * c.N], c.N, v.FullRange(c.M, w), scratch));
        Assert.Throws<ArgumentException>(() => v.Run(w, q, c.M, c.A, c.K, false, 0, new byte[c.M * c.N - 1], c.N, v.FullRange(c.M, w), scratch));
        Assert.Throws<ArgumentException>(() => v.Run(w, q, c.M, c.A, c.K, false, 0, new byte[c.M * c.N], c.N, v.FullRange(c.M, w), new short[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Run(w, q, c.M, c.A, c.K, false, 0, new byte[c.M * c.N], c.N, new GemmTileRange(0, 9, 0, 1), scratch));
    }
}

/// <summary>A random quantized GEMM problem and how to run it through a variant and the reference.</summary>
internal sealed class QGemmCase
{
    public int M, N, K;
    public byte[] A = [], B = [];
    public bool ASigned, BSigned;
    public int AZeroPoint;
    public int[] BZeroPoints = [], Bias = [];
    public bool BTransposed;
    public int OutZeroPoint, Min, Max;
    public float[] Scales = [];

    public static QGemmCase Random(Random rng, int m, int n, int k, bool? aSigned = null, bool? bSigned = null)
    {
        var c = new QGemmCase { M = m, N = n, K = k, ASigned = aSigned ?? rng.Next(2) == 0, BSigned = bSigned ?? rng.Next(2) == 0 };
        c.A = new byte[m * k];
        c.B = new byte[k * n];
        rng.NextBytes(c.A);
        rng.NextBytes(c.B);
        c.BTransposed = rng.Next(2) == 0;
        c.AZeroPoint = Extreme(rng, c.ASigned);
        c.BZeroPoints = rng.Next(2) == 0 ? [Extreme(rng, c.BSigned)] : Enumerable.Range(0, n).Select(_ => Extreme(rng, c.BSigned)).ToArray();
        c.Bias = rng.Next(3) == 0 ? [] : Enumerable.Range(0, n).Select(_ => rng.Next(-50000, 50000)).ToArray();
        bool outSigned = rng.Next(2) == 0;
        c.OutZeroPoint = Extreme(rng, outSigned);
        var (lo, hi) = outSigned ? (-128, 127) : (0, 255);
        c.Min = rng.Next(3) == 0 ? rng.Next(lo, c.OutZeroPoint + 1) : lo;
        c.Max = rng.Next(3) == 0 ? rng.Next(Math.Max(c.Min, c.OutZeroPoint), hi + 1) : hi;
        // Scales that map the accumulator range (≈ ±65025·K at worst, typically ±2^12·√K) onto a few hundred steps.
        double typical = 4000 * Math.Sqrt(Math.Max(1, k));
        // Every third scale a power of two: then exact ties (x.5 after scaling) are common and the rounding rules show.
        c.Scales = Enumerable.Range(0, n).Select(j => j % 3 == 0
            ? MathF.ScaleB(1, (int)Math.Round(Math.Log2(100 / typical)) + rng.Next(-2, 3))
            : (float)(Math.Exp(rng.NextDouble() * 4 - 2) * 100 / typical)).ToArray();
        return c;
    }

    private static int Extreme(Random rng, bool signed) => rng.Next(4) switch
    {
        0 => signed ? -128 : 0,
        1 => signed ? 127 : 255,
        _ => signed ? rng.Next(-128, 128) : rng.Next(0, 256),
    };

    public (int K, int N) Strides => BTransposed ? (1, K) : (N, 1);

    public Q8Requantization Requantization(RequantizeMode mode)
    {
        if (mode == RequantizeMode.FloatRoundHalfEven) return Q8Requantization.RoundHalfEven(Scales, N, OutZeroPoint, Min, Max);
        return Q8Requantization.FixedPoint(Scales.Select(s => (double)s).ToArray(), N, OutZeroPoint, Min, Max);
    }

    public Q8GemmPackedWeights Pack(Q8GemmVariant v) => v.Pack(K, N, B, BSigned, Strides.K, Strides.N, BZeroPoints, Bias);

    public byte[] RunReference(Q8Requantization q)
    {
        var c = new byte[M * N];
        Q8GemmReference.Run(M, N, K, A, K, ASigned, AZeroPoint, B, BSigned, Strides.K, Strides.N, BZeroPoints, Bias, q, c, N);
        return c;
    }

    public void AssertVariantMatchesReference(Q8GemmVariant v, Random rng)
    {
        var w = Pack(v);
        foreach (var mode in new[] { RequantizeMode.TfLiteFixedPoint, RequantizeMode.FloatRoundHalfEven })
        {
            var q = Requantization(mode);
            var expected = RunReference(q);
            // 8-bit A, C with a wider row stride and sentinels in the gaps.
            int ldc = N + 3;
            var got = new byte[M * ldc];
            Array.Fill(got, (byte)0xA5);
            v.Run(w, q, M, A, K, ASigned, AZeroPoint, got, ldc, v.FullRange(M, w), new short[v.ScratchShorts(K)]);
            for (int i = 0; i < M; i++)
            {
                Assert.True(expected.AsSpan(i * N, N).SequenceEqual(got.AsSpan(i * ldc, N)),
                    $"{v.Name} {mode} M={M} N={N} K={K} row {i}: [{string.Join(",", expected.AsSpan(i * N, N).ToArray())}] vs [{string.Join(",", got.AsSpan(i * ldc, N).ToArray())}]");
                for (int j = N; j < ldc && i * ldc + j < got.Length; j++) Assert.Equal(0xA5, got[i * ldc + j]);
            }
            // Pre-widened int16 A.
            int kp = 2 * ((K + 1) / 2), lda16 = kp + 2;
            var a16 = new short[Math.Max(0, (M - 1) * lda16 + kp)];
            for (int i = 0; i < M; i++)
                for (int p = 0; p < kp; p++)
                    a16[i * lda16 + p] = p < K ? (short)((ASigned ? (sbyte)A[i * K + p] : A[i * K + p]) - AZeroPoint) : (short)0;
            var got16 = new byte[M * N];
            v.Run(w, q, M, a16, lda16, got16, N, v.FullRange(M, w));
            Assert.Equal(expected, got16);
        }
        _ = rng;
    }
}
