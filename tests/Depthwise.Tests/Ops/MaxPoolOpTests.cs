using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;
using static Depthwise.Tests.Ops.PoolTestReference;

namespace Depthwise.Tests.Ops;

public class MaxPoolOpTests
{
    public static TheoryData<int[], int[], int[], int[], int[], bool> Cases() => new()
    {
        // x dims, kernel, strides, dilations, pads, ceil_mode
        { [1, 1, 5, 5], [2, 2], [1, 1], [1, 1], [0, 0, 0, 0], false },
        { [2, 3, 7, 9], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], false },
        { [1, 5, 8, 7], [3, 2], [2, 3], [1, 1], [0, 1, 2, 0], true },               // asymmetric pads, ceil
        { [1, 17, 7, 7], [3, 3], [2, 2], [2, 2], [2, 2, 2, 2], false },             // dilation 2
        { [1, 3, 1, 1], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0], false },
        { [2, 2, 11], [4], [3], [1], [1, 2], true },                                // 1-D
        { [1, 2, 5, 4, 6], [2, 3, 2], [2, 1, 3], [1, 2, 1], [1, 1, 0, 0, 1, 1], true }, // 3-D
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReferenceWithIndices(int[] xd, int[] kernel, int[] strides, int[] dilations, int[] pads, bool ceil)
    {
        var x = Random(31, xd);
        var xs = x.ToArray<float>();
        var outSpatial = OutSpatial(xd, kernel, strides, dilations, pads, ceil);
        int outCount = Count([xd[0], xd[1], .. outSpatial]);
        var best = Enumerable.Repeat(float.NegativeInfinity, outCount).ToArray();
        var arg = Enumerable.Repeat(-1L, outCount).ToArray();
        ForEachTap(xd, kernel, strides, dilations, pads, outSpatial, (o, i, _) =>
        {
            if (i >= 0 && xs[i] > best[o]) { best[o] = xs[i]; arg[o] = i; }
        });
        foreach (int order in new[] { 0, 1 })
        {
            var op = new MaxPoolOp { KernelShape = kernel, Strides = strides, Dilations = dilations, Pads = pads, CeilMode = ceil, StorageOrder = order };
            var r = GraphFactory.RunOp(op, [x], outputs: 2);
            AssertClose(OutShape(xd, outSpatial), best, r[0], 0, 0);
            Assert.Equal(OutShape(xd, outSpatial), r[1].Shape);
            var expectedIdx = order == 0 ? arg : arg.Select(a => ColumnMajor(a, xd)).ToArray();
            Assert.Equal(expectedIdx, r[1].ToArray<long>());
        }
        var single = GraphFactory.RunOp(new MaxPoolOp { KernelShape = kernel, Strides = strides, Dilations = dilations, Pads = pads, CeilMode = ceil }, [x])[0];
        AssertClose(OutShape(xd, outSpatial), best, single, 0, 0);
    }

    /// <summary>Index with the spatial dims counted column-major (first spatial dim fastest), batch and channel row-major outermost.</summary>
    private static long ColumnMajor(long rowMajor, int[] xd)
    {
        var idx = Unflatten((int)rowMajor, xd);
        int plane = Count(xd[2..]);
        long spatial = 0, stride = 1;
        for (int d = 2; d < xd.Length; d++) { spatial += idx[d] * stride; stride *= xd[d]; }
        return (idx[0] * xd[1] + idx[1]) * (long)plane + spatial;
    }

    [Fact]
    public void PoolsIntegerTypes()
    {
        var data = new sbyte[] { -128, -5, 3, 7, -1, 100, 0, -2, 9 };
        var y = GraphFactory.RunOp(new MaxPoolOp { KernelShape = [2, 2], Pads = [1, 1, 0, 0] }, [Tensor.FromArray(new Shape(1, 1, 3, 3), data)])[0];
        Assert.Equal(new sbyte[] { -128, -5, 3, 7, 7, 100, 7, 7, 100 }, y.ToArray<sbyte>());
        var u = GraphFactory.RunOp(new MaxPoolOp { KernelShape = [3] }, [Tensor.FromArray(new Shape(1, 1, 4), new byte[] { 1, 250, 3, 4 })])[0];
        Assert.Equal(new byte[] { 250, 250 }, u.ToArray<byte>());
    }

    [Fact]
    public void Opset8ImportKeepsIndicesOutput()
    {
        var x = Random(32, 1, 1, 4, 4);
        var r = RunOnnxNode("MaxPool", 8, n => { n.Attr("kernel_shape", 2L, 2L); n.Attr("strides", 2L, 2L); n.Attr("storage_order", 1L); }, [x], outputs: 2);
        Assert.Equal(DataType.Int64, r[1].DataType);
        Assert.Equal(new Shape(1, 1, 2, 2), r[1].Shape);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_maxpool_1d_default", "test_maxpool_2d_ceil", "test_maxpool_2d_default", "test_maxpool_2d_dilations",
        "test_maxpool_2d_pads", "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_same_upper",
        "test_maxpool_2d_precomputed_strides", "test_maxpool_2d_same_lower", "test_maxpool_2d_same_upper",
        "test_maxpool_2d_strides", "test_maxpool_2d_uint8", "test_maxpool_3d_default",
        "test_maxpool_with_argmax_2d_precomputed_pads", "test_maxpool_with_argmax_2d_precomputed_strides");
}
