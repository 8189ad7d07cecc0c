using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;
using Xunit.Abstractions;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// The AVX-VNNI quantized GEMM against <see cref="Q8GemmReference"/>, bit for bit: sizes around its 6×16 tile and
/// 8-column half panel, K around multiples of 4 (A read in place or copied and padded), both A and B types, zero
/// points at both ends per tensor and per column (the folded bias and the row-sum term), both requantizations,
/// splits, no allocation. Skipped without AVX-VNNI; test.sh's AVX-512-off run covers the 256-bit requantization.
/// </summary>
public sealed class Q8VnniGemmTests(ITestOutputHelper output)
{
    private static byte[] Run(QGemmCase c, RequantizeMode mode, int ldc, Q8VnniPackedWeights? w = null, GemmTileRange? range = null, byte[]? got = null)
    {
        w ??= Pack(c);
        var q = c.Requantization(mode);
        got ??= Filled(c.M * ldc);
        Q8VnniGemm.Run(w, q, c.M, c.A, c.K, got, ldc, range ?? Q8VnniGemm.FullRange(c.M, w), new byte[Q8VnniGemm.ScratchBytes(c.K)]);
        return got;
    }

    private static Q8VnniPackedWeights Pack(QGemmCase c) =>
        Q8VnniPackedWeights.Pack(c.K, c.N, c.B, c.BSigned, c.Strides.K, c.Strides.N, c.BZeroPoints, c.Bias, c.ASigned, c.AZeroPoint);

    private static byte[] Filled(int length)
    {
        var a = new byte[length];
        Array.Fill(a, (byte)0xA5);
        return a;
    }

    private static void AssertMatches(QGemmCase c)
    {
        foreach (var mode in new[] { RequantizeMode.TfLiteFixedPoint, RequantizeMode.FloatRoundHalfEven })
        {
            var expected = c.RunReference(c.Requantization(mode));
            int ldc = c.N + 3;
            var got = Run(c, mode, ldc);
            for (int i = 0; i < c.M; i++)
            {
                Assert.True(expected.AsSpan(i * c.N, c.N).SequenceEqual(got.AsSpan(i * ldc, c.N)),
                    $"{mode} M={c.M} N={c.N} K={c.K} aSigned={c.ASigned} za={c.AZeroPoint} bSigned={c.BSigned} zb=[{string.Join(",", c.BZeroPoints.Take(4))}…] row {i}: " +
                    $"[{string.Join(",", expected.AsSpan(i * c.N, c.N).ToArray())}] vs [{string.Join(",", got.AsSpan(i * ldc, c.N).ToArray())}]");
                for (int j = c.N; j < ldc && i * ldc + j < got.Length; j++) Assert.Equal(0xA5, got[i * ldc + j]);
            }
        }
    }

    [SkippableFact]
    public void MatchesReferenceAroundTheTiles()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var rng = new Random(21);
        int cases = 0;
        foreach (int m in new[] { 1, 2, 5, 6, 7, 13, 17 })
            foreach (int n in new[] { 1, 3, 7, 8, 9, 15, 16, 17, 24, 25, 33, 70 })
                foreach (int k in new[] { 0, 1, 2, 3, 4, 5, 8, 16, 17, 64 })
                {
                    AssertMatches(QGemmCase.Random(rng, m, n, k));
                    cases++;
                }
        output.WriteLine($"{cases} cases");
    }

    [SkippableFact]
    public void ZeroPointsAtBothEndsForEveryTypePair()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var rng = new Random(22);
        foreach (bool aSigned in new[] { false, true })
            foreach (bool bSigned in new[] { false, true })
                foreach (int za in aSigned ? new[] { -128, 127, 3 } : new[] { 0, 255, 128 })
                    foreach (int zbKind in new[] { 0, 1, 2, 3 })
                        foreach (var (m, n, k) in new[] { (13, 24, 37), (7, 16, 96), (6, 40, 16) })
                        {
                            var c = QGemmCase.Random(rng, m, n, k, aSigned, bSigned);
                            c.AZeroPoint = za;
                            int lo = bSigned ? -128 : 0, hi = bSigned ? 127 : 255;
                            c.BZeroPoints = zbKind switch
                            {
                                0 => [lo],
                                1 => [hi],
                                2 => [bSigned ? 0 : 128], // zb' = 0: no row sums
                                _ => Enumerable.Range(0, n).Select(j => j % 3 == 0 ? lo : j % 3 == 1 ? hi : rng.Next(lo, hi + 1)).ToArray(),
                            };
                            AssertMatches(c);
                        }
    }

    [SkippableFact]
    public void ExtremeValuesWrapLikeTheReference()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var rng = new Random(23);
        foreach (bool aSigned in new[] { false, true })
            foreach (bool bSigned in new[] { false, true })
            {
                var c = QGemmCase.Random(rng, 9, 37, 301, aSigned, bSigned);
                Array.Fill(c.A, aSigned ? (byte)0x80 : (byte)0);
                c.AZeroPoint = aSigned ? 127 : 255;
                for (int i = 0; i < c.B.Length; i++) c.B[i] = (byte)(i % 2 == 0 ? (bSigned ? 0x7F : 0xFF) : (bSigned ? 0x80 : 0));
                c.BZeroPoints = [bSigned ? -128 : 0];
                AssertMatches(c);
            }
    }

    [SkippableFact]
    public void MatchesReferenceOnMobileNetShapes()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var rng = new Random(24);
        foreach (var (m, k, n) in new[] { (196, 96, 24), (126, 16, 96), (84, 24, 144), (98, 32, 16), (1, 1280, 1000), (49, 320, 160) })
            AssertMatches(QGemmCase.Random(rng, m, n, k));
    }

    [SkippableFact]
    public void AnySplitOfTheTilesGivesTheSameBytes()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var c = QGemmCase.Random(new Random(25), 3 * Q8VnniGemm.MR + 2, 3 * Q8VnniGemm.NR + 3, 29);
        var expected = c.RunReference(c.Requantization(RequantizeMode.TfLiteFixedPoint));
        var w = Pack(c);
        var full = Q8VnniGemm.FullRange(c.M, w);
        for (int parts = 1; parts <= 7; parts++)
        {
            var got = new byte[c.M * c.N];
            for (int i = 0; i < parts; i++) Run(c, RequantizeMode.TfLiteFixedPoint, c.N, w, full.Part(i, parts), got);
            Assert.Equal(expected, got);
        }
    }

    [SkippableFact]
    public void RunAllocatesNothing()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var c = QGemmCase.Random(new Random(26), 20, 40, 33);
        var w = Pack(c);
        var q = c.Requantization(RequantizeMode.FloatRoundHalfEven);
        var got = new byte[c.M * c.N];
        var scratch = new byte[Q8VnniGemm.ScratchBytes(c.K)];
        var range = Q8VnniGemm.FullRange(c.M, w);
        Q8VnniGemm.Run(w, q, c.M, c.A, c.K, got, c.N, range, scratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Q8VnniGemm.Run(w, q, c.M, c.A, c.K, got, c.N, range, scratch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [SkippableFact]
    public void ArgumentErrors()
    {
        Skip.IfNot(Q8VnniGemm.IsSupported, "no AVX-VNNI");
        var c = QGemmCase.Random(new Random(27), 8, 20, 12);
        var w = Pack(c);
        var q = c.Requantization(RequantizeMode.FloatRoundHalfEven);
        var scratch = new byte[Q8VnniGemm.ScratchBytes(c.K)];
        Assert.Throws<ArgumentException>(() => Q8VnniGemm.Run(w, q, c.M, c.A, c.K, new byte[c.M * c.N - 1], c.N, Q8VnniGemm.FullRange(c.M, w), scratch));
        Assert.Throws<ArgumentException>(() => Q8VnniGemm.Run(w, q, c.M, c.A, c.K, new byte[c.M * c.N], c.N, Q8VnniGemm.FullRange(c.M, w), new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Q8VnniGemm.Run(w, q, c.M, c.A, c.K, new byte[c.M * c.N], c.N, new GemmTileRange(0, 9, 0, 1), scratch));
        Assert.Throws<ArgumentException>(() => Q8VnniGemm.Run(w, Q8Requantization.RoundHalfEven([1f], 3, 0, 0, 255), c.M, c.A, c.K, new byte[c.M * c.N], c.N, Q8VnniGemm.FullRange(c.M, w), scratch));
        Assert.Throws<ArgumentOutOfRangeException>(() => Q8VnniPackedWeights.Pack(c.K, c.N, c.B, c.BSigned, c.Strides.K, c.Strides.N, c.BZeroPoints, c.Bias, false, 256));
    }
}
