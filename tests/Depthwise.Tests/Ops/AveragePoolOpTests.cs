using Depthwise.Ops;
using static Depthwise.Tests.Ops.NeuralNetTestData;
using static Depthwise.Tests.Ops.PoolTestReference;

namespace Depthwise.Tests.Ops;

public class AveragePoolOpTests
{
    public static TheoryData<int[], int[], int[], int[], int[], bool, bool> Cases() => new()
    {
        // x dims, kernel, strides, dilations, pads, count_include_pad, ceil_mode
        { [1, 1, 5, 5], [2, 2], [1, 1], [1, 1], [0, 0, 0, 0], false, false },
        { [2, 3, 7, 9], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], false, false },
        { [2, 3, 7, 9], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], true, false },
        { [1, 5, 8, 7], [3, 2], [2, 3], [1, 1], [0, 1, 2, 0], true, true },              // asymmetric pads, ceil
        { [1, 5, 8, 7], [3, 2], [2, 3], [1, 1], [0, 1, 2, 0], false, true },
        { [1, 17, 6, 6], [3, 3], [2, 2], [2, 2], [2, 2, 2, 2], false, false },           // dilation 2
        { [1, 17, 6, 6], [3, 3], [2, 2], [2, 2], [2, 2, 2, 2], true, true },
        { [1, 3, 1, 1], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0], false, false },            // 1x1 spatial
        { [1, 3, 4, 4], [3, 3], [2, 2], [1, 1], [0, 0, 0, 0], false, true },             // ceil adds a partial window
        { [2, 2, 11], [4], [3], [1], [1, 2], true, true },                               // 1-D
        { [1, 2, 5, 4, 6], [2, 3, 2], [2, 1, 3], [1, 1, 1], [1, 1, 0, 0, 1, 1], false, true }, // 3-D
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReference(int[] xd, int[] kernel, int[] strides, int[] dilations, int[] pads, bool includePad, bool ceil)
    {
        var x = Random(21, xd);
        var xs = x.ToArray<float>();
        var outSpatial = OutSpatial(xd, kernel, strides, dilations, pads, ceil);
        var sum = new double[Count([xd[0], xd[1], .. outSpatial])];
        var n = new int[sum.Length];
        ForEachTap(xd, kernel, strides, dilations, pads, outSpatial, (o, i, inPadded) =>
        {
            if (i >= 0) sum[o] += xs[i];
            if (i >= 0 || (includePad && inPadded)) n[o]++;
        });
        var expected = sum.Select((s, o) => (float)(s / n[o])).ToArray();
        var op = new AveragePoolOp { KernelShape = kernel, Strides = strides, Dilations = dilations, Pads = pads, CountIncludePad = includePad, CeilMode = ceil };
        AssertClose(OutShape(xd, outSpatial), expected, GraphFactory.RunOp(op, [x])[0]);
    }

    [Fact]
    public void HandComputedPads()
    {
        // 3x3 of 1..9, kernel 2, pads 1: the corner window holds only x[0,0] = 1.
        var x = Depthwise.Tensors.Tensor.FromArray(new Depthwise.Tensors.Shape(1, 1, 3, 3), Enumerable.Range(1, 9).Select(v => (float)v).ToArray());
        var excl = GraphFactory.RunOp(new AveragePoolOp { KernelShape = [2, 2], Strides = [2, 2], Pads = [1, 1, 1, 1] }, [x])[0].ToArray<float>();
        Assert.Equal(new float[] { 1, 2.5f, 5.5f, 7 }, excl);
        var incl = GraphFactory.RunOp(new AveragePoolOp { KernelShape = [2, 2], Strides = [2, 2], Pads = [1, 1, 1, 1], CountIncludePad = true }, [x])[0].ToArray<float>();
        Assert.Equal(new float[] { 0.25f, 1.25f, 2.75f, 7 }, incl);
    }

    [Fact]
    public void ImportsOpset7WithoutCeilMode()
    {
        var x = Random(22, 1, 2, 6, 6);
        var y = RunOnnxNode("AveragePool", 7, n => { n.Attr("kernel_shape", 3L, 3L); n.Attr("strides", 2L, 2L); n.Attr("auto_pad", "SAME_UPPER"); }, [x])[0];
        Assert.Equal(new Depthwise.Tensors.Shape(1, 2, 3, 3), y.Shape);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_averagepool_1d_default", "test_averagepool_2d_ceil", "test_averagepool_2d_default", "test_averagepool_2d_pads",
        "test_averagepool_2d_pads_count_include_pad", "test_averagepool_2d_precomputed_pads",
        "test_averagepool_2d_precomputed_pads_count_include_pad", "test_averagepool_2d_precomputed_same_upper",
        "test_averagepool_2d_precomputed_strides", "test_averagepool_2d_same_lower", "test_averagepool_2d_same_upper",
        "test_averagepool_2d_strides", "test_averagepool_3d_default");
}
