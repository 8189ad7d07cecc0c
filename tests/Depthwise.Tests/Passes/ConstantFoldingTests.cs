using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class ConstantFoldingTests
{
    [Fact]
    public void FoldsConstantNodesAndInitializerChains()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 2, 3);
        var c = t.Node(new ConstantOp(Tensor.FromArray(new Shape(3), new[] { 1f, 2, 3 })));
        var d = t.Node(new AddOp(), c, t.Const(1, 3));
        var e = t.Node(new MulOp(), d, t.Const(2, 1, 3));
        var y = t.Node(new AddOp(), x, e);
        t.Output(y);
        Assert.True(t.RewriteKeepsOutputs(new ConstantFolding().Run, [Random(3, 2, 3)]));
        Assert.Single(t.Graph.Nodes);
        var folded = t.Graph.Nodes[0].Inputs[1]!;
        Assert.True(folded.IsConstant);
        Assert.Equal(new Shape(1, 3), folded.Constant!.Shape);
        Assert.Equal(e.Name, folded.Name);   // the folded value keeps its name
        Assert.False(new ConstantFolding().Run(t.Graph));
    }

    [Fact]
    public void FoldsAGraphOutputAndLeavesRuntimeNodes()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 4);
        t.Output(t.Node(new ReluOp(), x));
        var sum = t.Node(new AddOp(), t.Const(1, 4), t.Const(2, 4));
        t.Output(sum);
        Assert.True(t.RewriteKeepsOutputs(new ConstantFolding().Run, [Random(3, 4)]));
        Assert.Single(t.Graph.Nodes);
        Assert.IsType<ReluOp>(t.Graph.Nodes[0].Op);
        Assert.True(t.Graph.Outputs[1].IsConstant);
        Assert.Equal(sum.Name, t.Graph.Outputs[1].Name);
    }

    [Fact]
    public void LeavesAnInvalidNodeForTheCompilerToReport()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 3);
        var bad = t.Node(new AddOp(), t.Const(1, 3), t.Const(2, 4));
        t.Output(t.Node(new AddOp(), x, bad));
        Assert.False(new ConstantFolding().Run(t.Graph));
        Assert.Equal(2, t.Graph.Nodes.Count);
        var e = Assert.Throws<ShapeMismatchException>(() => new InferenceSession(t.Graph).Run(Random(1, 3)));
        Assert.Contains(bad.Producer!.Name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DoesNotBlowUpTheModel()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1);
        // 20M float32 = 80 MB from an 8-byte shape: left for the plan compiler.
        var big = t.Node(new ConstantOfShapeOp(), t.Const(Tensor.FromArray(new Shape(1), new long[] { 20_000_000 })));
        t.Output(t.Node(new ReduceSumOp { KeepDims = false }, big));
        t.Output(x);
        Assert.False(new ConstantFolding().Run(t.Graph));
        Assert.Equal(2, t.Graph.Nodes.Count);
    }

    [Fact]
    public void LeavesDeadNodesToDeadNodeElimination()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 2);
        t.Node(new AddOp(), t.Const(1, 2), t.Const(2, 2));
        t.Output(t.Node(new NegOp(), x));
        Assert.False(new ConstantFolding().Run(t.Graph));
        Assert.True(new DeadNodeElimination().Run(t.Graph));
        Assert.Single(t.Graph.Nodes);
    }
}
