using Depthwise.Ops;
using Depthwise.Tensors;
using Depthwise.Tests.Ops;

namespace Depthwise.Tests.Kernels.Elementwise;

/// <summary>
/// The NHWC fast paths (GlobalAveragePool over channels, tiled 4-D Transpose) against the general kernels: the
/// channels-first reference pool and the naive permutation, over awkward channel counts and spatial sizes.
/// </summary>
public class ChannelsLastFastPathTests
{
    public static TheoryData<int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int c in new[] { 1, 3, 17, 33 })
            foreach (var (h, w) in new[] { (1, 1), (2, 7), (7, 2), (15, 15), (1, 15) })
                data.Add(c == 17 ? 2 : 1, h, w, c);
        return data;
    }

    private static Tensor Random(int[] dims, int seed)
    {
        var rng = new Random(seed);
        int n = dims.Aggregate(1, (a, b) => a * b);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 4 - 1);
        return Tensor.FromArray(new Shape(dims), x);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GlobalAveragePoolNhwcMatchesChannelsFirst(int n, int h, int w, int c)
    {
        var nhwc = Random([n, h, w, c], h * 100 + w * 10 + c);
        var fast = ChannelsLastOpTests.RunUnoptimized(new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, [nhwc]);
        var reference = ChannelsLastOpTests.RunUnoptimized(new GlobalAveragePoolOp(), [ChannelsLastOpTests.ToNchw(nhwc)]);
        Assert.Equal(new Shape(n, 1, 1, c), fast.Shape);
        var a = fast.ToArray<float>();
        var e = reference.ToArray<float>();   // [N, C, 1, 1] has the same element order as [N, 1, 1, C]
        Assert.Equal(e, a);   // same double sums in the same order: identical bits
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TransposeToNhwcAndBackMatchesNaive(int n, int h, int w, int c)
    {
        var nchw = Random([n, c, h, w], c * 7 + h + w);
        var toNhwc = ChannelsLastOpTests.RunUnoptimized(new TransposeOp { Perm = [0, 2, 3, 1] }, [nchw]);
        Assert.Equal(ChannelsLastOpTests.ToNhwc(nchw).ToArray<float>(), toNhwc.ToArray<float>());
        Assert.Equal(new Shape(n, h, w, c), toNhwc.Shape);
        var back = ChannelsLastOpTests.RunUnoptimized(new TransposeOp { Perm = [0, 3, 1, 2] }, [toNhwc]);
        Assert.Equal(nchw.ToArray<float>(), back.ToArray<float>());
    }

    [Fact]
    public void TiledTransposeCoversTileEdges()
    {
        foreach (int rows in new[] { 1, 15, 16, 17, 33 })
            foreach (int cols in new[] { 1, 16, 31, 50 })
            {
                var src = new uint[2 * rows * cols];
                for (int i = 0; i < src.Length; i++) src[i] = (uint)i;
                var dst = new uint[src.Length];
                TiledTransposeKernel.Transpose(src, dst, 2, rows, cols);
                for (int b = 0; b < 2; b++)
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < cols; c++)
                            Assert.Equal(src[b * rows * cols + r * cols + c], dst[b * rows * cols + c * rows + r]);
            }
    }
}
