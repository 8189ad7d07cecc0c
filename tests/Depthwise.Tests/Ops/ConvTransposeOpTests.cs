using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class ConvTransposeOpTests
{
    /// <summary>
    /// Naive transposed convolution: every input element times every tap of its group's filters is added at output
    /// position i · stride + k · dilation − padBegin, when that lies inside the output.
    /// </summary>
    private static float[] Naive(Tensor x, Tensor w, Tensor? b, int group, int[] strides, int[] dilations, int[] padBegin, int[] outSpatial)
    {
        int[] xd = x.Shape.ToArray(), wd = w.Shape.ToArray();
        int rank = xd.Length - 2, cin = xd[1], cinG = cin / group, coutG = wd[1], m = coutG * group;
        int[] yd = [xd[0], m, .. outSpatial];
        int[] kd = wd[2..];
        var xs = x.ToArray<float>(); var ws = w.ToArray<float>();
        var y = new double[Count(yd)];
        if (b is not null)
            for (int f = 0; f < y.Length; f++) y[f] = b.ToArray<float>()[Unflatten(f, yd)[1]];
        for (int f = 0; f < xs.Length; f++)
        {
            var xi = Unflatten(f, xd);
            int g = xi[1] / cinG;
            for (int ocg = 0; ocg < coutG; ocg++)
            {
                for (int kf = 0; kf < Count(kd); kf++)
                {
                    var k = Unflatten(kf, kd);
                    var yi = new int[rank + 2];
                    yi[0] = xi[0]; yi[1] = g * coutG + ocg;
                    bool inside = true;
                    for (int d = 0; d < rank; d++)
                    {
                        yi[d + 2] = xi[d + 2] * strides[d] + k[d] * dilations[d] - padBegin[d];
                        if (yi[d + 2] < 0 || yi[d + 2] >= outSpatial[d]) inside = false;
                    }
                    if (!inside) continue;
                    int[] wi = [xi[1], ocg, .. k];
                    y[Flatten(yi, yd)] += xs[f] * ws[Flatten(wi, wd)];
                }
            }
        }
        return y.Select(v => (float)v).ToArray();
    }

    public static TheoryData<int[], int[], int, int[], int[], int[], int[]> Cases() => new()
    {
        // x dims, w dims, group, strides, dilations, pads, output_padding
        { [1, 1, 3, 3], [1, 2, 3, 3], 1, [1, 1], [1, 1], [0, 0, 0, 0], [0, 0] },
        { [2, 3, 4, 5], [3, 5, 3, 3], 1, [2, 2], [1, 1], [1, 1, 1, 1], [1, 1] },
        { [1, 4, 5, 3], [4, 3, 2, 3], 2, [3, 2], [1, 2], [0, 1, 2, 0], [2, 1] },          // groups 2, asymmetric pads
        { [1, 5, 7, 7], [5, 1, 3, 3], 5, [2, 2], [1, 1], [1, 1, 1, 1], [1, 1] },          // depthwise, upsampling by 2
        { [1, 3, 1, 1], [3, 17, 4, 4], 1, [2, 2], [1, 1], [0, 0, 0, 0], [0, 0] },          // 1x1 spatial
        { [1, 2, 6, 6], [2, 3, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], [0, 0] },           // pointwise
        { [2, 3, 9], [3, 2, 3], 1, [2], [2], [1, 0], [1] },                                // 1-D
        { [1, 2, 3, 4, 2], [2, 2, 2, 3, 2], 1, [2, 1, 3], [1, 2, 1], [1, 0, 0, 0, 1, 1], [1, 0, 2] }, // 3-D
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReference(int[] xDims, int[] wDims, int group, int[] strides, int[] dilations, int[] pads, int[] outputPadding)
    {
        var x = Random(11, xDims);
        var w = Random(12, wDims);
        var b = Random(13, wDims[1] * group);
        int rank = xDims.Length - 2;
        var outSpatial = Enumerable.Range(0, rank).Select(d =>
            strides[d] * (xDims[d + 2] - 1) + outputPadding[d] + (wDims[d + 2] - 1) * dilations[d] + 1 - pads[d] - pads[d + rank]).ToArray();
        var expected = Naive(x, w, b, group, strides, dilations, pads[..rank], outSpatial);
        var op = new ConvTransposeOp { Group = group, Strides = strides, Dilations = dilations, Pads = pads, OutputPadding = outputPadding };
        var y = GraphFactory.RunOp(op, [x, w, b], 1, 1, 2)[0];
        AssertClose(new Shape([xDims[0], wDims[1] * group, .. outSpatial]), expected, y);
    }

    [Theory]
    [InlineData(AutoPad.SameUpper, 3, 3, 2, 6, 0)]   // total pad 1: SAME_UPPER puts the smaller half first
    [InlineData(AutoPad.SameLower, 3, 3, 2, 6, 1)]
    [InlineData(AutoPad.SameUpper, 4, 4, 2, 8, 1)]   // total pad 2
    [InlineData(AutoPad.SameLower, 4, 4, 2, 8, 1)]
    [InlineData(AutoPad.SameUpper, 5, 1, 2, 10, -1)] // total pad -1: floor(-1/2) = -1 before, so the first output only gets the bias
    [InlineData(AutoPad.Valid, 5, 3, 2, 11, 0)]
    public void AutoPadFollowsSpec(AutoPad autoPad, int size, int k, int s, int outSize, int padBegin)
    {
        var x = Random(14, 1, 2, size, size);
        var w = Random(15, 2, 3, k, k);
        var expected = Naive(x, w, null, 1, [s, s], [1, 1], [padBegin, padBegin], [outSize, outSize]);
        var y = GraphFactory.RunOp(new ConvTransposeOp { AutoPad = autoPad, Strides = [s, s] }, [x, w])[0];
        AssertClose(new Shape(1, 3, outSize, outSize), expected, y);
    }

    [Theory]
    [InlineData(new[] { 10, 8 }, 0, 0)]          // larger than the natural 9x7: padding -1 at the end
    [InlineData(new[] { 1, 3, 7, 5 }, 1, 1)]     // full output shape given; total pad 2 (rows) and 2 (cols): 1 before
    [InlineData(new[] { 8, 6 }, 1, 1)]           // total pad 1: the larger half (1) before
    public void OutputShapeDerivesPads(int[] outputShape, int padTop, int padLeft)
    {
        var x = Random(16, 1, 1, 3, 3);
        var w = Random(17, 1, 3, 3, 3);
        var spatial = outputShape[^2..];
        var expected = Naive(x, w, null, 1, [3, 2], [1, 1], [padTop, padLeft], spatial);
        var y = GraphFactory.RunOp(new ConvTransposeOp { Strides = [3, 2], OutputShape = outputShape, Pads = [5, 5, 5, 5] }, [x, w])[0];
        AssertClose(new Shape([1, 3, .. spatial]), expected, y);
    }

    [Fact]
    public void CountsMacsAndRejectsBadShapes()
    {
        var x = Random(1, 1, 8, 5, 5);
        var w = Random(2, 8, 4, 3, 3);
        var plan = new Depthwise.Runtime.InferenceSession(ConvOpTests.OneNode(new ConvTransposeOp { Group = 2, Strides = [2, 2] }, x.Shape, w)).GetPlan([x.Shape]);
        Assert.Equal(1L * 8 * 25 * 4 * 9, plan.TotalMacs);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvTransposeOp(), [Random(1, 1, 3, 5, 5), w]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvTransposeOp { OutputPadding = [1] }, [x, w]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvTransposeOp { Pads = [3, 3, 3, 3] }, [Random(1, 1, 8, 1, 1), w]));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_convtranspose", "test_convtranspose_1d", "test_convtranspose_3d", "test_convtranspose_autopad_same",
        "test_convtranspose_dilations", "test_convtranspose_kernel_shape", "test_convtranspose_output_shape",
        "test_convtranspose_pad", "test_convtranspose_pads", "test_convtranspose_with_kernel");
}
