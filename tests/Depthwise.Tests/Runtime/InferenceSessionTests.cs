using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Runtime;

public class InferenceSessionTests
{
    private static Graph.Graph AddReluReshape()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("N"), Dim.Known(4)]);
        var b = g.AddConstant("b", Tensor.FromArray(new Shape(4), new float[] { -1, 0, 1, 2 }));
        var s = g.AddConstant("s", Tensor.FromArray(new Shape(2), new long[] { -1, 2 }));
        var sum = g.AddNode("add", new AddOp(), [x, b], ["sum"]).Outputs[0];
        var r = g.AddNode("relu", new ReluOp(), [sum], ["r"]).Outputs[0];
        var y = g.AddNode("reshape", new ReshapeOp(), [r, s], ["y"]).Outputs[0];
        g.AddOutput(y);
        return g;
    }

    [Fact]
    public void RunsAChainAndInfersTheDynamicBatch()
    {
        var session = new InferenceSession(AddReluReshape());
        var x = Tensor.FromArray(new Shape(2, 4), new float[] { 0, 0, 0, 0, 1, -5, -2, 3 });
        var y = session.Run(x)[0];
        Assert.Equal(new Shape(4, 2), y.Shape);
        Assert.Equal(new float[] { 0, 0, 1, 2, 0, 0, 0, 5 }, y.ToArray<float>());

        var x3 = Tensor.Zeros(DataType.Float32, new Shape(3, 4));
        Assert.Equal(new Shape(6, 2), session.Run(x3)[0].Shape);
    }

    [Fact]
    public void RejectsWrongTypeAndShapeWithTheInputName()
    {
        var session = new InferenceSession(AddReluReshape());
        var e1 = Assert.Throws<InputValidationException>(() => session.Run(Tensor.Zeros(DataType.Int32, new Shape(1, 4))));
        Assert.Contains("'x'", e1.Message);
        var e2 = Assert.Throws<InputValidationException>(() => session.Run(Tensor.Zeros(DataType.Float32, new Shape(1, 5))));
        Assert.Contains("[1,5]", e2.Message);
        Assert.Throws<InputValidationException>(() => session.Run(Array.Empty<Tensor>()));
    }

    [Fact]
    public void RunIntoCallerBuffersAllocatesNothingAfterWarmUp()
    {
        var session = new InferenceSession(AddReluReshape());
        var x = Tensor.FromArray(new Shape(2, 4), new float[8]);
        var plan = session.GetPlan([x]);
        var y = Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0]);
        Tensor[] ins = [x], outs = [y];
        session.Run(ins, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) session.Run(ins, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ConcurrentRunsOnOneSessionGiveTheSameAnswers()
    {
        var session = new InferenceSession(AddReluReshape());
        Parallel.For(0, 64, i =>
        {
            var x = Tensor.FromArray(new Shape(1, 4), new float[] { i, -i, i, 0 });
            var y = session.Run(x)[0].ToArray<float>();
            Assert.Equal(new float[] { Math.Max(i - 1, 0), 0, i + 1, 2 }, y);
        });
    }

    [Fact]
    public void ShapeSubgraphsFoldAndSpecializeOnShapeInputs()
    {
        // y = Reshape(x, shapeInput): the shape comes from a graph input, so the plan specializes on its value.
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(6)]);
        var s = g.AddInput("shape", DataType.Int64, [Dim.Known(2)]);
        g.AddOutput(g.AddNode("r", new ReshapeOp(), [x, s], ["y"]).Outputs[0]);
        var session = new InferenceSession(g);
        var data = Tensor.FromArray(new Shape(6), new float[] { 1, 2, 3, 4, 5, 6 });
        Assert.Equal(new Shape(2, 3), session.Run(data, Tensor.FromArray(new Shape(2), new long[] { 2, 3 }))[0].Shape);
        Assert.Equal(new Shape(3, 2), session.Run(data, Tensor.FromArray(new Shape(2), new long[] { 3, -1 }))[0].Shape);
    }

    [Fact]
    public void InconsistentShapesNameTheNode()
    {
        var g = new Graph.Graph();
        var a = g.AddInput("a", DataType.Float32, [Dim.Known(3)]);
        var b = g.AddInput("b", DataType.Float32, [Dim.Known(4)]);
        g.AddOutput(g.AddNode("badd", new AddOp(), [a, b], ["y"]).Outputs[0]);
        var session = new InferenceSession(g);
        var e = Assert.Throws<ShapeMismatchException>(() => session.Run(Tensor.Zeros(DataType.Float32, new Shape(3)), Tensor.Zeros(DataType.Float32, new Shape(4))));
        Assert.Equal("badd", e.NodeName);
    }

    [Fact]
    public void ValidationFindsDanglingInputsAndCycles()
    {
        var g = new Graph.Graph();
        var ghost = g.GetOrCreateValue("ghost");
        g.AddOutput(g.AddNode("r", new ReluOp(), [ghost], ["y"]).Outputs[0]);
        var e = Assert.Throws<ModelFormatException>(() => g.Validate());
        Assert.Contains("ghost", e.Message);

        var c = new Graph.Graph();
        var p = c.GetOrCreateValue("q");
        var n1 = c.AddNode("n1", new ReluOp(), [p], ["p"]);
        c.AddNode("n2", new ReluOp(), [n1.Outputs[0]], ["q"]);
        c.AddOutput(n1.Outputs[0]);
        Assert.Contains("cycle", Assert.Throws<ModelFormatException>(() => c.Validate()).Message);
    }
}
