using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class ShapeOpTests
{
    [Fact]
    public void StartAndEndSelectLikePythonSlicesClampedToTheRank()
    {
        int[] dims = [2, 3, 4, 5];
        var x = Iota(dims);
        long?[] ends = [null, -9, -4, -1, 0, 1, 3, 4, 9];
        foreach (long start in new long[] { -9, -4, -2, 0, 1, 3, 4, 9 })
        {
            foreach (var end in ends)
            {
                var y = GraphFactory.RunOp(new ShapeOp { Start = start, End = end }, [x])[0];
                // Python's list slicing clamps exactly like Shape-15.
                int s = (int)Math.Clamp(start < 0 ? start + 4 : start, 0, 4);
                int e = end is null ? 4 : (int)Math.Clamp(end.Value < 0 ? end.Value + 4 : end.Value, 0, 4);
                var expected = dims.Skip(s).Take(Math.Max(0, e - s)).Select(d => (long)d).ToArray();
                Assert.Equal(DataType.Int64, y.DataType);
                Assert.Equal(expected, y.ToArray<long>());
            }
        }
    }

    [Fact]
    public void ScalarsGiveAnEmptyShapeAndAnyTypeWorks()
    {
        Assert.Equal(new Shape(0), GraphFactory.RunOp(new ShapeOp(), [Tensor.Scalar(1f)])[0].Shape);
        Assert.Equal(new long[] { 0, 7 }, GraphFactory.RunOp(new ShapeOp(), [Pattern(DataType.Bool, 0, 7)])[0].ToArray<long>());
    }

    [Fact]
    public void IsAConstantOfThePlanNotAStep()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("n"), Dim.Known(3)]);
        g.AddOutput(g.AddNode("shape", new ShapeOp(), [x], ["s"]).Outputs[0]);
        var session = new InferenceSession(g);
        var x5 = Iota(5, 3);
        Assert.Empty(session.GetPlan([x5]).Steps);
        Assert.Equal(new long[] { 5, 3 }, session.Run(x5)[0].ToArray<long>());
        Assert.Equal(new long[] { 2, 3 }, session.Run(Iota(2, 3))[0].ToArray<long>());
    }

    [Fact]
    public void ImportsStartAndEndAtOpset15()
    {
        var y = Run("Shape", 15, [new(Iota(2, 3, 4))], 1, n => { n.Attribute.Add(Int("start", -2)); n.Attribute.Add(Int("end", -1)); });
        Assert.Equal(new long[] { 3 }, y[0].ToArray<long>());
        Assert.Equal(new long[] { 2, 3, 4 }, Run("Shape", 7, [new(Iota(2, 3, 4))], 1)[0].ToArray<long>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_shape", "test_shape_clip_end", "test_shape_clip_start", "test_shape_end_1", "test_shape_end_negative_1", "test_shape_example",
        "test_shape_start_1", "test_shape_start_1_end_2", "test_shape_start_1_end_negative_1", "test_shape_start_negative_1");
}
