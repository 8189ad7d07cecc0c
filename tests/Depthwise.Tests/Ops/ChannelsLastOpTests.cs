using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>
/// The channels-last (NHWC) forms of Conv, the pools and BatchNormalization against their channels-first forms (which
/// the per-op tests check against naive references): on NHWC input, each must give exactly the channels-first
/// result transposed — the reference kernels run one loop nest over strides, so not even rounding may differ.
/// </summary>
public class ChannelsLastOpTests
{
    /// <summary>
    /// Like <see cref="GraphFactory.RunOp"/> but without graph passes, so the kernel of exactly this op runs (the layout
    /// pass would otherwise rewrite a channels-first Conv with constant weights).
    /// </summary>
    internal static Tensor RunUnoptimized(Op op, Tensor?[] inputs, params int[] constantInputs)
    {
        var g = new Graph.Graph("test");
        var ins = new Graph.Value?[inputs.Length];
        var feeds = new List<Tensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t) continue;
            if (constantInputs.Contains(i)) ins[i] = g.AddConstant($"c{i}", t);
            else
            {
                ins[i] = g.AddInput($"x{i}", t.DataType, t.Shape.ToArray().Select(Graph.Dim.Known).ToArray());
                feeds.Add(t);
            }
        }
        g.AddOutput(g.AddNode("node", op, ins, ["y"]).Outputs[0]);
        var options = new Depthwise.Runtime.SessionOptions { OptimizationLevel = Depthwise.Passes.OptimizationLevel.None };
        return new Depthwise.Runtime.InferenceSession(g, options).Run(feeds.ToArray())[0];
    }

    /// <summary>[N, C, H, W] → [N, H, W, C].</summary>
    internal static Tensor ToNhwc(Tensor t) => Permute(t, [0, 2, 3, 1]);

    /// <summary>[N, H, W, C] → [N, C, H, W].</summary>
    internal static Tensor ToNchw(Tensor t) => Permute(t, [0, 3, 1, 2]);

    /// <summary>Naive transpose: output index i reads input index with dims permuted by <paramref name="perm"/>.</summary>
    internal static Tensor Permute(Tensor t, int[] perm)
    {
        var dims = t.Shape.ToArray();
        var outDims = perm.Select(p => dims[p]).ToArray();
        var src = t.ToArray<float>();
        var dst = new float[src.Length];
        for (int f = 0; f < dst.Length; f++)
        {
            var o = Unflatten(f, outDims);
            var i = new int[dims.Length];
            for (int d = 0; d < perm.Length; d++) i[perm[d]] = o[d];
            dst[f] = src[Flatten(i, dims)];
        }
        return Tensor.FromArray(new Shape(outDims), dst);
    }

    private static void AssertSameAsChannelsFirst(Op channelsFirst, Op channelsLast, Tensor x, Tensor?[] rest, params int[] constants)
    {
        var expected = RunUnoptimized(channelsFirst, [x, .. rest], constants);
        var actual = RunUnoptimized(channelsLast, [ToNhwc(x), .. rest], constants);
        var back = ToNchw(actual);
        Assert.Equal(expected.Shape, back.Shape);
        Assert.Equal(expected.ToArray<float>(), back.ToArray<float>());
    }

    public static TheoryData<int[], int[], int, int[], int[], int[], bool> ConvCases()
    {
        var all = new TheoryData<int[], int[], int, int[], int[], int[], bool>();
        foreach (var row in ConvOpTests.Cases())
            if (((int[])row[0]).Length == 4)
                all.Add((int[])row[0], (int[])row[1], (int)row[2], (int[])row[3], (int[])row[4], (int[])row[5], (bool)row[6]);
        return all;
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvEqualsChannelsFirst(int[] xDims, int[] wDims, int group, int[] strides, int[] dilations, int[] pads, bool bias)
    {
        var x = Random(1, xDims);
        var w = Random(2, wDims);
        var b = bias ? Random(3, wDims[0]) : null;
        var op = new ConvOp { Group = group, Strides = strides, Dilations = dilations, Pads = pads };
        AssertSameAsChannelsFirst(op, op.With(ChannelLayout.ChannelsLast, ConvActivation.None), x, [w, b]);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 7, 9 }, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, false)]
    [InlineData(new[] { 1, 5, 8, 7 }, new[] { 3, 2 }, new[] { 2, 3 }, new[] { 0, 1, 2, 0 }, true)]
    [InlineData(new[] { 1, 17, 3, 1 }, new[] { 2, 1 }, new[] { 1, 1 }, new[] { 1, 0, 0, 0 }, false)]
    public void PoolsEqualChannelsFirst(int[] xd, int[] kernel, int[] strides, int[] pads, bool ceil)
    {
        var x = Random(7, xd);
        var max = new MaxPoolOp { KernelShape = kernel, Strides = strides, Pads = pads, CeilMode = ceil };
        AssertSameAsChannelsFirst(max, max.WithLayout(ChannelLayout.ChannelsLast), x, []);
        foreach (bool include in new[] { false, true })
        {
            var avg = new AveragePoolOp { KernelShape = kernel, Strides = strides, Pads = pads, CeilMode = ceil, CountIncludePad = include };
            AssertSameAsChannelsFirst(avg, avg.WithLayout(ChannelLayout.ChannelsLast), x, []);
        }
        AssertSameAsChannelsFirst(new GlobalAveragePoolOp(), new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, x, []);
        AssertSameAsChannelsFirst(new GlobalMaxPoolOp(), new GlobalMaxPoolOp { Layout = ChannelLayout.ChannelsLast }, x, []);
    }

    [Fact]
    public void GlobalPoolsKeepTheChannelAxisLast()
    {
        var y = GraphFactory.RunOp(new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, [Random(1, 2, 3, 5, 7)])[0];
        Assert.Equal(new Shape(2, 1, 1, 7), y.Shape);
    }

    [Fact]
    public void BatchNormalizationEqualsChannelsFirst()
    {
        var x = Random(11, 2, 5, 3, 4);
        var stats = new Tensor?[] { Random(12, 5), Random(13, 5), Random(14, 5), Tensor.FromArray(new Shape(5), new[] { 0.5f, 1, 1.5f, 2, 0.25f }) };
        var op = new BatchNormalizationOp { Epsilon = 1e-3f };
        AssertSameAsChannelsFirst(op, op.WithLayout(ChannelLayout.ChannelsLast), x, stats, 1, 2, 3, 4);
    }

    [Fact]
    public void ChannelsLastTakesOnlyNhwcData()
    {
        var w = Random(2, 4, 3, 3);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvOp { Layout = ChannelLayout.ChannelsLast }, [Random(1, 1, 5, 3), w]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GlobalMaxPoolOp { Layout = ChannelLayout.ChannelsLast }, [Random(1, 2, 3, 4, 5, 6)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(
            new MaxPoolOp { KernelShape = [2, 2], Layout = ChannelLayout.ChannelsLast }, [Random(1, 1, 4, 4, 2)], outputs: 2));
        var ex = Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new BatchNormalizationOp { Spatial = false, Layout = ChannelLayout.ChannelsLast },
            [Random(1, 1, 2, 2, 3), Random(2, 3, 2, 2), Random(3, 3, 2, 2), Random(4, 3, 2, 2), Random(5, 3, 2, 2)]));
        Assert.Contains("channels-first", ex.Message, StringComparison.Ordinal);
    }
}
