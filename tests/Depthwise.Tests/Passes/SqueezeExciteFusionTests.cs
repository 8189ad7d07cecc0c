using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class SqueezeExciteFusionTests
{
    /// <summary>
    /// An ONNX-form (NCHW) MobileNetV3 block: pointwise Conv + HardSwish, then the SE chain GlobalAveragePool → Conv →
    /// Relu → Conv → HardSigmoid → Mul(gate, x) (or EfficientNet's SiLU / Sigmoid), then a projection Conv.
    /// </summary>
    private static (PassTestGraph T, Value Y) Block(bool efficientNet, int c = 19, int cr = 5)
    {
        var t = new PassTestGraph();
        var input = t.Input("x", -1, 3, 6, 5);
        var x = t.Node(new HardSwishOp(), t.Conv(input, 3, c));
        var s = t.Node(new GlobalAveragePoolOp(), x);
        var h = t.Conv(s, c, cr, seed: 7);
        h = efficientNet ? t.Node(new MulOp(), h, t.Node(new SigmoidOp(), h)) : t.Node(new ReluOp(), h);
        var g = t.Conv(h, cr, c, seed: 9);
        g = efficientNet ? t.Node(new SigmoidOp(), g) : t.Node(new HardSigmoidOp { Alpha = 1f / 6, Beta = 0.5f }, g);
        var y = t.Conv(t.Node(new MulOp(), g, x), c, 4, seed: 11);
        t.Output(y);
        return (t, y);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheOptimizerFusesTheChain(bool efficientNet)
    {
        var (t, _) = Block(efficientNet);
        var input = Random(3, 2, 3, 6, 5);
        var before = PassTestGraph.Run(t.Graph, input);
        var optimized = GraphOptimizer.Optimize(t.Graph, OptimizationLevel.All);
        optimized.Validate();
        var se = Assert.Single(optimized.Nodes, n => n.Op is SqueezeExciteOp);
        var op = (SqueezeExciteOp)se.Op;
        Assert.Equal(efficientNet ? SqueezeExciteGate.Sigmoid : SqueezeExciteGate.HardSigmoid, op.Gate);
        Assert.Equal(efficientNet ? ConvActivationKind.SiLU : ConvActivationKind.Relu, op.Activation.Kind);
        Assert.DoesNotContain(optimized.Nodes, n => n.Op is GlobalAveragePoolOp or MulOp or HardSigmoidOp or SigmoidOp);
        Assert.Equal(2, optimized.Nodes.Count(n => n.Op is ConvOp));
        var after = PassTestGraph.Run(optimized, input);
        PassTestGraph.AssertSame(before, after, 1e-5);
    }

    /// <summary>The channels-last chain as the earlier passes leave it, with one thing changed by <paramref name="miss"/>.</summary>
    private static PassTestGraph ChannelsLast(string miss)
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 2, 4, 4, 8);
        var other = t.Input("other", 2, 4, 4, 8);
        var s = t.Node(new GlobalAveragePoolOp { Layout = miss == "pool NCHW" ? ChannelLayout.ChannelsFirst : ChannelLayout.ChannelsLast },
            miss == "pool NCHW" ? t.Input("xc", 2, 8, 4, 4) : x);
        var reduce = new ConvOp { Layout = ChannelLayout.ChannelsLast, Activation = ConvActivation.Relu, Strides = miss == "strided" ? [2, 2] : null };
        var w1 = miss == "weights not constant" ? t.Input("w1", 3, 8, 1, 1) : t.Const(1, 3, 8, 1, 1);
        var h = t.Node(reduce, s, w1, t.Const(2, 3));
        var g = t.Node(new ConvOp { Layout = ChannelLayout.ChannelsLast, Group = 1 }, h, t.Const(3, miss == "one gate" ? 1 : 8, 3, 1, 1), t.Const(4, miss == "one gate" ? 1 : 8));
        var gate = t.Node(new HardSigmoidOp(), g);
        var y = t.Node(new MulOp(), miss == "other operand" ? other : x, gate);
        t.Output(y);
        if (miss == "pool read twice") t.Output(s);
        if (miss == "hidden read twice") t.Output(t.Node(new ReluOp(), h));
        if (miss == "gate read twice") t.Output(t.Node(new ReluOp(), gate));
        return t;
    }

    [Theory]
    [InlineData("pool NCHW")]
    [InlineData("strided")]
    [InlineData("weights not constant")]
    [InlineData("one gate")]
    [InlineData("other operand")]
    [InlineData("pool read twice")]
    [InlineData("hidden read twice")]
    [InlineData("gate read twice")]
    public void NearMissesAreLeftAlone(string miss)
    {
        var t = ChannelsLast(miss);
        int nodes = t.Graph.Nodes.Count;
        Assert.False(new SqueezeExciteFusion().Run(t.Graph));
        Assert.Equal(nodes, t.Graph.Nodes.Count);
    }

    [Fact]
    public void TheChannelsLastChainIsFusedAndComputesTheSame()
    {
        var t = ChannelsLast("");
        var inputs = new[] { Random(5, 2, 4, 4, 8), Random(6, 2, 4, 4, 8) };
        Assert.True(t.RewriteKeepsOutputs(new SqueezeExciteFusion().Run, inputs, 1e-5));
        Assert.Equal(1, t.Count<SqueezeExciteOp>());
        Assert.Single(t.Graph.Nodes);
        Assert.False(new SqueezeExciteFusion().Run(t.Graph));
    }
}
