using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Quantized;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// The int32-accumulator outputs of every quantized GEMM and depthwise variant (the integer half of the hybrid
/// kernels) against naive sums, over sizes around the tiles and zero points at their extremes, the depthwise one with a
/// zero point given per call (not the one packed). test.sh re-runs this namespace with AVX-512, AVX2 and all
/// intrinsics switched off.
/// </summary>
public sealed class Q8Int32AccumulatorTests
{
    public static TheoryData<string> GemmVariants() => new(Q8GemmCatalog.Supported.Select(v => v.Name));

    public static TheoryData<string> DepthwiseVariants() => new(Q8DepthwiseConvCatalog.Supported.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(GemmVariants))]
    public void GemmStoresTheExactAccumulators(string name)
    {
        var v = Q8GemmCatalog.Find(name)!;
        var rng = new Random(5);
        foreach (int m in new[] { 1, v.MR - 1, v.MR, v.MR + 2, 23 }.Where(x => x > 0).Distinct())
            foreach (int n in new[] { 1, v.NR / 2, v.NR + 3, 2 * v.NR + 1 }.Where(x => x > 0).Distinct())
                foreach (int k in new[] { 1, 2, 9, 64 })
                    foreach (bool signed in new[] { true, false })
                    {
                        int za = signed ? rng.Next(2) == 0 ? -128 : 127 : rng.Next(2) == 0 ? 0 : 255;
                        var a = new byte[m * k];
                        var b = new byte[k * n];
                        rng.NextBytes(a);
                        rng.NextBytes(b);
                        var bias = Enumerable.Range(0, n).Select(_ => rng.Next(-1000, 1000)).ToArray();
                        var packed = v.Pack(k, n, b, signed: true, n, 1, [0], bias);
                        var c = new int[m * n + 3];
                        v.RunInt32(packed, m, a, k, signed, za, c, n, v.FullRange(m, packed), new short[v.ScratchShorts(k)]);
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++)
                            {
                                int acc = bias[j];
                                for (int p = 0; p < k; p++)
                                    acc += ((signed ? (sbyte)a[i * k + p] : a[i * k + p]) - za) * (sbyte)b[p * n + j];
                                Assert.True(acc == c[i * n + j], $"{name} m={m} n={n} k={k} signed={signed}: C[{i},{j}] = {c[i * n + j]}, expected {acc}");
                            }
                        Assert.Equal(new int[3], c[(m * n)..]);
                    }
    }

    [Theory]
    [MemberData(nameof(DepthwiseVariants))]
    public void DepthwiseStoresTheExactAccumulatorsForAZeroPointGivenPerCall(string name)
    {
        var v = Q8DepthwiseConvCatalog.Find(name)!;
        var rng = new Random(6);
        var shapes = new[]
        {
            new DepthwiseConvShape(1, 7, 9, 37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            new DepthwiseConvShape(2, 8, 8, v.ChannelTile + 1, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1),
            new DepthwiseConvShape(1, 6, 5, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2),
            new DepthwiseConvShape(1, 9, 10, 2 * v.ChannelTile, 3, 5, 2, 1, 1, 2, 1, 4, 1, 4),
        };
        foreach (var s in shapes)
            foreach (int zx in new[] { -128, -5, 0, 127 })
            {
                int taps = s.KernelHeight * s.KernelWidth;
                var w = new byte[s.Channels * taps];
                var x = new byte[s.InputLength];
                rng.NextBytes(w);
                rng.NextBytes(x);
                var bias = Enumerable.Range(0, s.Channels).Select(_ => rng.Next(-500, 500)).ToArray();
                var packed = Q8DepthwiseConvWeights.Pack(s.Channels, s.KernelHeight, s.KernelWidth, w, signed: true, [0], bias, inputZeroPoint: 77);
                var y = new int[s.OutputLength];
                v.RunInt32(packed, s, x, inputSigned: true, zx, y, new DepthwiseConvRange(0, s.RowCount),
                    new int[Q8DepthwiseConvVariant.FoldedScratchInts(s.Channels)], new byte[Q8DepthwiseConvVariant.ZeroPointRowScratchBytes(s.Channels)]);
                for (int n = 0; n < s.Batch; n++)
                    for (int oy = 0; oy < s.OutputHeight; oy++)
                        for (int ox = 0; ox < s.OutputWidth; ox++)
                            for (int c = 0; c < s.Channels; c++)
                            {
                                int acc = bias[c];
                                for (int ky = 0; ky < s.KernelHeight; ky++)
                                    for (int kx = 0; kx < s.KernelWidth; kx++)
                                    {
                                        int iy = oy * s.StrideHeight + ky * s.DilationHeight - s.PadTop;
                                        int ix = ox * s.StrideWidth + kx * s.DilationWidth - s.PadLeft;
                                        if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                                        acc += ((sbyte)x[((n * s.Height + iy) * s.Width + ix) * s.Channels + c] - zx) * (sbyte)w[c * taps + ky * s.KernelWidth + kx];
                                    }
                                int got = y[((n * s.OutputHeight + oy) * s.OutputWidth + ox) * s.Channels + c];
                                Assert.True(acc == got, $"{name} {s} zx={zx}: ({n},{oy},{ox},{c}) = {got}, expected {acc}");
                            }
            }
    }
}
