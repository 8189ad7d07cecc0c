using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class ResidualAddFusionTests
{
    private static PassManager Fusions => new([new ResidualAddFusion(), new ActivationFusion()]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusesConvAddAndTheActivationAfterIt(bool convFirst)
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 4, 5, 5);
        var block = t.Conv(t.Conv(x, 4, 4, depthwise: true, seed: 1), 4, 4, seed: 3);
        var sum = convFirst ? t.Node(new AddOp(), block, x) : t.Node(new AddOp(), x, block);
        var y = t.Node(new ReluOp(), sum);
        t.Output(y);
        Assert.True(t.RewriteKeepsOutputs(g => Fusions.Run(g).Changed, [Random(2, 2, 4, 5, 5)]));
        Assert.Equal(2, t.Graph.Nodes.Count);
        var last = t.Graph.Nodes.Single(n => n.Outputs[0] == y);
        var op = Assert.IsType<ConvOp>(last.Op);
        Assert.Equal(ConvActivationKind.Relu, op.Activation.Kind);
        Assert.Equal(x, last.Input(ConvOp.ResidualInput));
    }

    [Fact]
    public void DoesNotFuseABroadcastingAdd()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 4, 5, 5);
        t.Output(t.Node(new AddOp(), t.Conv(x, 4, 4), t.Const(1, 1, 4, 1, 1)));
        t.Output(t.Node(new AddOp(), t.Conv(x, 4, 4), t.Input("row", 5)));
        // [1, 4, 5, 5] + [-1, 4, 5, 5]: the batch may be larger than the conv's.
        t.Output(t.Node(new AddOp(), t.Conv(x, 4, 4), t.Input("batch", -1, 4, 5, 5)));
        Assert.False(new ResidualAddFusion().Run(t.Graph));
    }

    [Fact]
    public void DoesNotFuseWhenShapesAreUnknownOrTheConvIsTaken()
    {
        var t = new PassTestGraph();
        var x = t.Graph.AddInput("x", DataType.Float32, null);   // no declared shape: nothing can be proved
        var other = t.Graph.AddInput("other", DataType.Float32, null);
        t.Output(t.Node(new AddOp(), t.Conv(x, 4, 4), other));
        var y = t.Input("y", 1, 4, 5, 5);
        var conv = t.Conv(y, 4, 4);
        t.Output(t.Node(new AddOp(), conv, y));
        t.Output(t.Node(new NegOp(), conv));   // a second reader of the conv output
        var activated = t.Node(new ConvOp { Activation = ConvActivation.Relu }, y, t.Const(1, 4, 4, 1, 1));
        t.Output(t.Node(new AddOp(), activated, y));   // relu(conv) + y is not relu(conv + y)
        Assert.False(new ResidualAddFusion().Run(t.Graph));
    }
}
