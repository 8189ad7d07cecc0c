using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class GatherOpTests
{
    /// <summary>Naive gather: output index = data[:axis] ++ indices ++ data[axis+1:]; the indices part selects along the axis.</summary>
    private static void AssertGathered(Tensor data, int axis, Tensor indices, Tensor y)
    {
        int a = axis < 0 ? axis + data.Shape.Rank : axis;
        var idx = indices.ToInt64Array();
        int ir = indices.Shape.Rank;
        var dims = data.Shape.Take(a).Concat(indices.Shape).Concat(data.Shape.Skip(a + 1)).ToArray();
        Assert.Equal(new Shape(dims), y.Shape);
        for (int f = 0; f < y.ElementCount; f++)
        {
            var o = Unflatten(y.Shape, f);
            int which = Flatten(indices.Shape, o.AsSpan(a, ir));
            long i = idx[which];
            if (i < 0) i += data.Shape[a];
            var src = o.Take(a).Append((int)i).Concat(o.Skip(a + ir)).ToArray();
            Assert.Equal(Element(data, Flatten(data.Shape, src)), Element(y, f));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-3)]
    public void GathersWithIndicesOfEveryRank(int axis)
    {
        var data = Iota(3, 4, 5);
        int dim = data.Shape[axis < 0 ? axis + 3 : axis];
        Tensor[] indexSets =
        [
            Tensor.Scalar(-1L),
            Longs(0, dim - 1, -dim, 1, 1),
            Tensor.FromArray(new Shape(2, 3), new long[] { 2, 0, -1, 1, 1, 0 }),
            Tensor.FromArray(new Shape(2, 1, 2), new[] { 0, 2, -2, 1 }),
            Tensor.Zeros(DataType.Int64, new Shape(0)),
        ];
        foreach (var indices in indexSets)
        {
            // Once as a run-time input, once as a constant.
            AssertGathered(data, axis, indices, GraphFactory.RunOp(new GatherOp { Axis = axis }, [data, indices])[0]);
            AssertGathered(data, axis, indices, GraphFactory.RunOp(new GatherOp { Axis = axis }, [data, indices], 1, 1)[0]);
        }
    }

    [Fact]
    public void EveryElementSize()
    {
        foreach (var type in new[] { DataType.UInt8, DataType.Float16, DataType.Int32, DataType.Int64, DataType.Bool })
        {
            var data = Pattern(type, 4, 3);
            var indices = Longs(3, 0, -1);
            AssertGathered(data, 0, indices, GraphFactory.RunOp(new GatherOp(), [data, indices])[0]);
            var columns = Tensor.FromArray(new Shape(3), new[] { 2, 0, -1 });
            AssertGathered(data, 1, columns, GraphFactory.RunOp(new GatherOp { Axis = 1 }, [data, columns])[0]);
        }
    }

    [Fact]
    public void AConstantIndexOutOfRangeFailsAtCompileTime()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GatherOp(), [Iota(3, 2), Longs(0, 3)], 1, 1));
        Assert.Contains("index 3", e.Message);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GatherOp(), [Iota(3, 2), Longs(-4)], 1, 1));
    }

    [Fact]
    public void ARunTimeIndexOutOfRangeThrowsInputValidationNamingTheNode()
    {
        var g = new Graph.Graph();
        var data = g.AddConstant("data", Iota(3, 2));
        var idx = g.AddInput("idx", DataType.Int32, [Dim.Known(2)]);
        g.AddOutput(g.AddNode("pick", new GatherOp(), [data, idx], ["y"]).Outputs[0]);
        var session = new InferenceSession(g);
        Assert.Equal(new float[] { 4, 5, 0, 1 }, session.Run(Tensor.FromArray(new Shape(2), new[] { -1, 0 }))[0].ToArray<float>());
        var e = Assert.Throws<InputValidationException>(() => session.Run(Tensor.FromArray(new Shape(2), new[] { 0, 3 })));
        Assert.Contains("'pick'", e.Message);
        Assert.Contains("index 3", e.Message);
        Assert.Throws<InputValidationException>(() => session.Run(Tensor.FromArray(new Shape(2), new[] { -4, 0 })));
        // The session still works afterwards.
        Assert.Equal(new float[] { 2, 3, 2, 3 }, session.Run(Tensor.FromArray(new Shape(2), new[] { 1, -2 }))[0].ToArray<float>());
    }

    [Fact]
    public void RejectsBadAxesAndIndexTypes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GatherOp { Axis = 2 }, [Iota(3, 2), Longs(0)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GatherOp(), [Iota(3, 2), Iota(1)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GatherOp(), [Tensor.Scalar(1f), Longs(0)]));
    }

    [Fact]
    public void RunAllocatesNothing() => AssertRunAllocatesNothing(new GatherOp { Axis = 1 }, [Iota(2, 6, 3), Longs(5, -1, 0)], 1);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_gather_0", "test_gather_1", "test_gather_2d_indices", "test_gather_negative_indices");
}
