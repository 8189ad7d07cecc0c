using Depthwise.Kernels.Gemm;

namespace Depthwise.Tests.Kernels.Gemm;

public sealed class F32GemmPackedWeightsTests
{
    /// <summary>The fast packing equals the element-by-element reference packing exactly, padding included.</summary>
    [Fact]
    public void PackMatchesReferencePackingExactly()
    {
        var rng = new Random(3);
        int[] nrs = [4, 8, 16, 32];
        foreach (int nr in nrs)
            for (int k = 0; k <= 9; k += 3)
                foreach (int n in new[] { 0, 1, nr - 1, nr, nr + 1, 3 * nr + 2 })
                    foreach (var layout in new[] { "KxN", "NxK", "strided" })
                        foreach (bool withBias in new[] { false, true })
                        {
                            // strided: element (k, n) at k·(2N+1) + 2n, with garbage in between.
                            var (strideK, strideN) = layout switch
                            {
                                "KxN" => (n, 1),
                                "NxK" => (1, k),
                                _ => (2 * n + 1, 2),
                            };
                            var b = new float[Math.Max(1, k * Math.Max(1, strideK) + n * Math.Max(1, strideN))];
                            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
                            float[] bias = withBias ? Enumerable.Range(0, n).Select(i => 100f + i).ToArray() : [];
                            var fast = F32GemmPackedWeights.Pack(nr, k, n, b, strideK, strideN, bias);
                            var reference = F32GemmPackedWeights.PackReference(nr, k, n, b, strideK, strideN, bias);
                            Assert.Equal((n + nr - 1) / nr, fast.PanelCount);
                            Assert.Equal(nr * (k + 1), fast.PanelStride);
                            Assert.Equal(reference.Data.ToArray(), fast.Data.ToArray());
                        }
    }

    /// <summary>The layout itself, spelled out on a tiny example: bias row, then K rows, zero-padded to NR.</summary>
    [Fact]
    public void LayoutIsBiasThenKRowsPerPanel()
    {
        // B is 2×3 row-major: [[1, 2, 3], [4, 5, 6]], bias [10, 20, 30], NR = 2 → panels {0,1} and {2, pad}.
        var w = F32GemmPackedWeights.PackReference(2, 2, 3, [1, 2, 3, 4, 5, 6], 3, 1, [10, 20, 30]);
        Assert.Equal(new float[] { 10, 20, 1, 2, 4, 5, 30, 0, 3, 0, 6, 0 }, w.Data.ToArray());
        var fast = F32GemmPackedWeights.Pack(2, 2, 3, [1, 4, 2, 5, 3, 6], 1, 2, [10, 20, 30]); // same B as N×K
        Assert.Equal(w.Data.ToArray(), fast.Data.ToArray());
    }

    [Fact]
    public void PanelsAreCacheLineAligned()
    {
        foreach (var v in GemmCatalog.All)
        {
            var w = v.Pack(3, 50, new float[150], 50, 1, []);
            unsafe
            {
                fixed (float* p = w.Data) Assert.Equal(0, (long)p % 64);
            }
        }
    }

    [Fact]
    public void RejectsShortInputs()
    {
        Assert.Throws<ArgumentException>(() => F32GemmPackedWeights.Pack(8, 3, 4, new float[11], 4, 1, []));
        Assert.Throws<ArgumentException>(() => F32GemmPackedWeights.Pack(8, 3, 4, new float[12], 4, 1, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => F32GemmPackedWeights.Pack(0, 3, 4, new float[12], 4, 1, []));
    }
}
