using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Runtime;

public class ShapeFoldingTests
{
    /// <summary>
    /// The sub-graph PyTorch exports for <c>x.view(x.size(0), -1)</c> with a dynamic batch:
    /// x → Shape → Gather(0) → Unsqueeze(0) → Concat(with [-1]) → Reshape(x, ·).
    /// </summary>
    private static Graph.Graph FlattenWithDynamicBatch()
    {
        var g = new Graph.Graph("torch_flatten");
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("batch"), Dim.Known(3), Dim.Known(2), Dim.Known(2)]);
        var zero = g.AddConstant("zero", Tensor.Scalar(0L));
        var axes0 = g.AddConstant("axes0", Tensor.FromArray(new Shape(1), new[] { 0L }));
        var minusOne = g.AddConstant("minus_one", Tensor.FromArray(new Shape(1), new[] { -1L }));
        var shape = g.AddNode("Shape_0", new ShapeOp(), [x], ["shape"]).Outputs[0];
        var batch = g.AddNode("Gather_1", new GatherOp { Axis = 0 }, [shape, zero], ["batch"]).Outputs[0];
        var batch1 = g.AddNode("Unsqueeze_2", new UnsqueezeOp(), [batch, axes0], ["batch1"]).Outputs[0];
        var target = g.AddNode("Concat_3", new ConcatOp { Axis = 0 }, [batch1, minusOne], ["target"]).Outputs[0];
        var y = g.AddNode("Reshape_4", new ReshapeOp(), [x, target], ["y"]).Outputs[0];
        g.AddOutput(y);
        return g;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ShapeGatherUnsqueezeConcatFoldAwayLeavingOnlyTheReshape(int batch)
    {
        var session = new InferenceSession(FlattenWithDynamicBatch());
        var data = Enumerable.Range(0, batch * 12).Select(i => (float)i).ToArray();
        var x = Tensor.FromArray(new Shape(batch, 3, 2, 2), data);

        var plan = session.GetPlan([x]);
        var step = Assert.Single(plan.Steps);
        Assert.Equal("Reshape", step.Node.Op.OpType);
        Assert.Equal(new Shape(batch, 12), step.OutputShapes(plan)[0]);

        var y = session.Run(x)[0];
        Assert.Equal(new Shape(batch, 12), y.Shape);
        Assert.Equal(data, y.ToArray<float>());
    }

    [Fact]
    public void OneSessionServesBothBatchSizes()
    {
        var session = new InferenceSession(FlattenWithDynamicBatch());
        Assert.Equal(new Shape(1, 12), session.Run(Tensor.Zeros(DataType.Float32, new Shape(1, 3, 2, 2)))[0].Shape);
        Assert.Equal(new Shape(3, 12), session.Run(Tensor.Zeros(DataType.Float32, new Shape(3, 3, 2, 2)))[0].Shape);
        Assert.Equal(new Shape(1, 12), session.Run(Tensor.Zeros(DataType.Float32, new Shape(1, 3, 2, 2)))[0].Shape);
    }
}
