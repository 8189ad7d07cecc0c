using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class DeadNodeEliminationTests
{
    [Fact]
    public void RemovesDeadChainsAndUnusedConstantsKeepsInputs()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 2, 2);
        t.Input("unused", 1);
        var dead1 = t.Node(new AddOp(), x, t.Const(1, 2));
        var dead2 = t.Node(new SigmoidOp(), dead1);
        t.Node(new ReluOp(), dead2);
        t.Output(t.Node(new NegOp(), x));
        var deadConstant = dead1.Producer!.Inputs[1]!;
        Assert.True(t.RewriteKeepsOutputs(new DeadNodeElimination().Run, [Random(1, 2, 2), Random(2, 1)]));
        Assert.Single(t.Graph.Nodes);
        Assert.Equal(2, t.Graph.Inputs.Count);
        Assert.Null(t.Graph.FindValue(deadConstant.Name));
        Assert.Null(t.Graph.FindValue(dead2.Name));
        Assert.False(new DeadNodeElimination().Run(t.Graph));
    }

    [Fact]
    public void KeepsANodeWhenOneOfItsOutputsIsRead()
    {
        var g = new Graph.Graph("split");
        var x = g.AddInput("x", DataType.Float32, [Graph.Dim.Known(4)]);
        var split = g.AddNode("split", new SplitOp(), [x], ["a", "b"]);
        g.AddOutput(g.AddNode("neg", new NegOp(), [split.Outputs[1]], ["y"]).Outputs[0]);
        Assert.False(new DeadNodeElimination().Run(g));
        Assert.Equal(2, g.Nodes.Count);
    }

    [Fact]
    public void KeepsNodesWritingGraphOutputs()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 3);
        var r = t.Node(new ReluOp(), x);
        t.Output(r);
        t.Output(t.Node(new NegOp(), r));
        Assert.False(new DeadNodeElimination().Run(t.Graph));
        Assert.Equal(2, t.Graph.Nodes.Count);
    }
}
