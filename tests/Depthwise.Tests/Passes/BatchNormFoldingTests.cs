using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class BatchNormFoldingTests
{
    private static Tensor Positive(int seed, int n) => Tensor.FromArray(new Shape(n), Random(seed, n).ToArray<float>().Select(v => v + 1.5f).ToArray());

    private static Value BatchNorm(PassTestGraph t, Value x, int c, Value? mean = null, ChannelLayout layout = ChannelLayout.ChannelsFirst) =>
        t.Node(new BatchNormalizationOp { Epsilon = 1e-3f, Layout = layout }, x, t.Const(Positive(11, c)), t.Const(12, c), mean ?? t.Const(13, c), t.Const(Positive(14, c)));

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void FoldsIntoThePrecedingConv(bool bias, bool channelsLast)
    {
        var t = new PassTestGraph();
        var layout = channelsLast ? ChannelLayout.ChannelsLast : ChannelLayout.ChannelsFirst;
        var x = channelsLast ? t.Input("x", -1, 5, 6, 4) : t.Input("x", -1, 4, 5, 6);
        var conv = t.Node(new ConvOp { Pads = [1, 1, 1, 1], Layout = layout }, x, t.Const(1, 3, 4, 3, 3), bias ? t.Const(2, 3) : null);
        var y = BatchNorm(t, conv, 3, layout: layout);
        t.Output(y);
        var input = channelsLast ? Random(3, 2, 5, 6, 4) : Random(3, 2, 4, 5, 6);
        Assert.True(t.RewriteKeepsOutputs(new BatchNormFolding().Run, [input], tolerance: 1e-5));
        var node = Assert.Single(t.Graph.Nodes);
        Assert.IsType<ConvOp>(node.Op);
        Assert.Equal(y, node.Outputs[0]);
        Assert.Equal(3, node.Inputs.Length);
        Assert.False(new BatchNormFolding().Run(t.Graph));
    }

    [Fact]
    public void KeepsABatchNormWhoseConvOutputIsAlsoReadElsewhere()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 4, 3, 3);
        var conv = t.Conv(x, 4, 4);
        t.Output(BatchNorm(t, conv, 4));
        t.Output(t.Node(new ReluOp(), conv));
        Assert.False(new BatchNormFolding().Run(t.Graph));
        Assert.Equal(1, t.Count<BatchNormalizationOp>());
    }

    [Fact]
    public void KeepsABatchNormWithStatisticsKnownOnlyAtRunTime()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 4, 3, 3);
        var mean = t.Input("mean", 4);
        t.Output(BatchNorm(t, t.Conv(x, 4, 4), 4, mean));
        Assert.False(new BatchNormFolding().Run(t.Graph));
        Assert.Equal(1, t.Count<BatchNormalizationOp>());
    }

    [Fact]
    public void KeepsALoneBatchNormAndOneAfterAFusedConv()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 4, 3, 3);
        t.Output(BatchNorm(t, x, 4));
        var fused = t.Node(new ConvOp { Activation = ConvActivation.Relu }, x, t.Const(1, 4, 4, 1, 1));
        t.Output(BatchNorm(t, fused, 4));
        Assert.False(new BatchNormFolding().Run(t.Graph));
        Assert.Equal(2, t.Count<BatchNormalizationOp>());
    }
}
