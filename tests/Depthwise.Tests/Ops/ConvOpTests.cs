using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class ConvOpTests
{
    /// <summary>
    /// Naive convolution: for every output element, sum over the group's input channels and every kernel tap whose
    /// input position lies inside the input. Pads are explicit (begin, end per dim).
    /// </summary>
    internal static float[] NaiveConv(Tensor x, Tensor w, Tensor? b, int group, int[] strides, int[] dilations, int[] padBegin, int[] outSpatial)
    {
        int[] xd = x.Shape.ToArray(), wd = w.Shape.ToArray();
        int rank = xd.Length - 2;
        int n = xd[0], cin = xd[1], m = wd[0], cinG = cin / group, coutG = m / group;
        int[] yd = [n, m, .. outSpatial];
        int[] kd = wd[2..];
        var xs = x.ToArray<float>(); var ws = w.ToArray<float>(); var bs = b?.ToArray<float>();
        var y = new float[Count(yd)];
        for (int f = 0; f < y.Length; f++)
        {
            var yi = Unflatten(f, yd);
            int g = yi[1] / coutG;
            double acc = bs is null ? 0 : bs[yi[1]];
            for (int c = 0; c < cinG; c++)
            {
                for (int kf = 0; kf < Count(kd); kf++)
                {
                    var k = Unflatten(kf, kd);
                    var xi = new int[rank + 2];
                    xi[0] = yi[0]; xi[1] = g * cinG + c;
                    bool inside = true;
                    for (int d = 0; d < rank; d++)
                    {
                        xi[d + 2] = yi[d + 2] * strides[d] + k[d] * dilations[d] - padBegin[d];
                        if (xi[d + 2] < 0 || xi[d + 2] >= xd[d + 2]) inside = false;
                    }
                    if (!inside) continue;
                    int[] wi = [yi[1], c, .. k];
                    acc += xs[Flatten(xi, xd)] * ws[Flatten(wi, wd)];
                }
            }
            y[f] = (float)acc;
        }
        return y;
    }

    private static int OutSize(int input, int k, int s, int d, int pb, int pe) => (input + pb + pe - ((k - 1) * d + 1)) / s + 1;

    public static TheoryData<int[], int[], int, int[], int[], int[], bool> Cases() => new()
    {
        // x dims, w dims, group, strides, dilations, pads, bias
        { [1, 1, 5, 5], [1, 1, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1], false },
        { [2, 3, 7, 9], [5, 3, 3, 3], 1, [2, 2], [1, 1], [1, 1, 1, 1], true },
        { [1, 5, 9, 7], [17, 5, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], true },          // pointwise, odd channels
        { [2, 17, 6, 5], [3, 17, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], false },
        { [1, 17, 11, 11], [17, 1, 3, 3], 17, [2, 2], [1, 1], [1, 1, 1, 1], true },       // depthwise stride 2, odd size
        { [2, 5, 8, 8], [5, 1, 3, 3], 5, [1, 1], [2, 2], [2, 2, 2, 2], true },            // depthwise dilation 2
        { [1, 6, 7, 5], [4, 3, 3, 2], 2, [1, 2], [1, 1], [1, 0, 2, 1], true },            // groups 2, asymmetric pads
        { [1, 3, 1, 1], [4, 3, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], true },            // 1x1 spatial
        { [1, 3, 1, 1], [4, 3, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1], false },           // 1x1 spatial, 3x3 kernel
        { [1, 2, 9, 9], [3, 2, 3, 3], 1, [3, 2], [2, 1], [0, 2, 1, 0], true },
        { [1, 4, 5, 6], [4, 1, 5, 5], 4, [1, 1], [1, 1], [2, 2, 2, 2], true },            // depthwise 5x5
        { [1, 3, 10, 10], [2, 3, 1, 1], 1, [2, 2], [1, 1], [0, 0, 0, 0], true },          // 1x1 stride 2 (not pointwise)
        { [1, 3, 6, 6], [2, 3, 1, 1], 1, [1, 1], [1, 1], [1, 0, 0, 1], false },           // 1x1 with pads
        { [2, 3, 11], [4, 3, 3], 1, [2], [1], [1, 2], true },                             // 1-D
        { [1, 4, 13], [4, 1, 3], 4, [1], [3], [3, 3], false },                            // 1-D depthwise dilated
        { [1, 2, 5, 6, 7], [3, 2, 3, 2, 3], 1, [2, 1, 2], [1, 2, 1], [1, 0, 1, 1, 1, 0], true }, // 3-D
        { [2, 4, 3, 4, 5], [4, 2, 1, 1, 1], 2, [1, 1, 1], [1, 1, 1], [0, 0, 0, 0, 0, 0], true }, // 3-D grouped pointwise
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReference(int[] xDims, int[] wDims, int group, int[] strides, int[] dilations, int[] pads, bool bias)
    {
        var x = Random(1, xDims);
        var w = Random(2, wDims);
        var b = bias ? Random(3, wDims[0]) : null;
        int rank = xDims.Length - 2;
        var outSpatial = Enumerable.Range(0, rank)
            .Select(d => OutSize(xDims[d + 2], wDims[d + 2], strides[d], dilations[d], pads[d], pads[d + rank])).ToArray();
        var expected = NaiveConv(x, w, b, group, strides, dilations, pads[..rank], outSpatial);
        var op = new ConvOp { Group = group, Strides = strides, Dilations = dilations, Pads = pads };
        var y = GraphFactory.RunOp(op, [x, w, b])[0];
        AssertClose(new Shape([xDims[0], wDims[0], .. outSpatial]), expected, y);
        // Constant weights (the usual case) give the same answer.
        var yc = GraphFactory.RunOp(op, [x, w, b], 1, 1, 2)[0];
        AssertClose(new Shape([xDims[0], wDims[0], .. outSpatial]), expected, yc);
    }

    [Theory]
    [InlineData(AutoPad.SameUpper, 7, 3, 2, 1, 4, 1, 1)]
    [InlineData(AutoPad.SameLower, 7, 3, 2, 1, 4, 1, 1)]
    [InlineData(AutoPad.SameUpper, 6, 3, 2, 1, 3, 0, 1)]
    [InlineData(AutoPad.SameLower, 6, 3, 2, 1, 3, 1, 0)]
    [InlineData(AutoPad.SameUpper, 8, 2, 1, 1, 8, 0, 1)]
    [InlineData(AutoPad.SameLower, 8, 2, 1, 1, 8, 1, 0)]
    [InlineData(AutoPad.SameUpper, 9, 3, 1, 2, 9, 2, 2)]
    [InlineData(AutoPad.Valid, 9, 3, 2, 1, 4, 0, 0)]
    [InlineData(AutoPad.Valid, 9, 3, 1, 3, 3, 0, 0)]
    public void AutoPadPicksSpecPads(AutoPad autoPad, int size, int k, int s, int d, int outSize, int padBegin, int padEnd)
    {
        var x = Random(4, 1, 2, size, size);
        var w = Random(5, 3, 2, k, k);
        var expected = NaiveConv(x, w, null, 1, [s, s], [d, d], [padBegin, padBegin], [outSize, outSize]);
        var y = GraphFactory.RunOp(new ConvOp { AutoPad = autoPad, Strides = [s, s], Dilations = [d, d], Pads = [9, 9, 9, 9] }, [x, w])[0];
        AssertClose(new Shape(1, 3, outSize, outSize), expected, y);
        _ = padEnd;
    }

    [Fact]
    public void HandComputedSmallCase()
    {
        // x = 1..9 in 3x3, w = [[1,0],[0,-1]], no pad: y[i,j] = x[i,j] - x[i+1,j+1] = -4 everywhere.
        var x = Tensor.FromArray(new Shape(1, 1, 3, 3), Enumerable.Range(1, 9).Select(v => (float)v).ToArray());
        var w = Tensor.FromArray(new Shape(1, 1, 2, 2), new float[] { 1, 0, 0, -1 });
        var b = Tensor.FromArray(new Shape(1), new float[] { 0.5f });
        var y = GraphFactory.RunOp(new ConvOp(), [x, w, b])[0];
        Assert.Equal(new Shape(1, 1, 2, 2), y.Shape);
        Assert.Equal(new float[] { -3.5f, -3.5f, -3.5f, -3.5f }, y.ToArray<float>());
    }

    [Fact]
    public void CountsMacsAndRejectsBadShapes()
    {
        var x = Random(1, 1, 32, 112, 112);
        var w = Random(2, 32, 1, 3, 3);
        var session = new Depthwise.Runtime.InferenceSession(OneNode(new ConvOp { Group = 32, Pads = [1, 1, 1, 1] }, x.Shape, w));
        var plan = session.GetPlan([x.Shape]);
        Assert.Equal(32L * 112 * 112 * 9, plan.TotalMacs);

        var w2 = Random(2, 8, 3, 3, 3);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvOp(), [Random(1, 1, 4, 5, 5), w2]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvOp { KernelShape = [2, 2] }, [Random(1, 1, 3, 5, 5), w2]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvOp(), [Random(1, 1, 3, 2, 2), w2]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvOp { Group = 4 }, [Random(1, 1, 6, 5, 5), w2]));
    }

    internal static Graph.Graph OneNode(Op op, Shape input, params Tensor[] constants)
    {
        var g = new Graph.Graph("test");
        var ins = new List<Graph.Value?> { g.AddInput("x", DataType.Float32, input.ToArray().Select(Graph.Dim.Known).ToArray()) };
        for (int i = 0; i < constants.Length; i++) ins.Add(g.AddConstant($"c{i}", constants[i]));
        var node = g.AddNode("node", op, ins, ["y"]);
        g.AddOutput(node.Outputs[0]);
        return g;
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_conv_with_autopad_same",
        "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_strides_no_padding", "test_conv_with_strides_padding");
}
