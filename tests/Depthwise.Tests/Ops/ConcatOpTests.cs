using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class ConcatOpTests
{
    /// <summary>Naive concat: output index o on the axis falls in input k at o - (sum of earlier sizes).</summary>
    private static void AssertConcatenated(Tensor[] xs, int axis, Tensor y)
    {
        int rank = y.Shape.Rank;
        int a = axis < 0 ? axis + rank : axis;
        for (int f = 0; f < y.ElementCount; f++)
        {
            var o = Unflatten(y.Shape, f);
            int k = 0, pos = o[a];
            while (pos >= xs[k].Shape[a]) { pos -= xs[k].Shape[a]; k++; }
            var i = (int[])o.Clone();
            i[a] = pos;
            Assert.Equal(Element(xs[k], Flatten(xs[k].Shape, i)), Element(y, f));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-3)]
    public void JoinsThreeInputsIncludingAnEmptyOne(int axis)
    {
        int a = axis < 0 ? axis + 3 : axis;
        int[] sizes = [3, 0, 2];
        var xs = sizes.Select((n, k) =>
        {
            var dims = new[] { 2, 3, 4 };
            dims[a] = n;
            var t = Iota(dims);
            var v = t.ToArray<float>().Select(e => e + 1000 * k).ToArray();
            return Tensor.FromArray(t.Shape, v);
        }).ToArray();
        var y = GraphFactory.RunOp(new ConcatOp { Axis = axis }, xs)[0];
        var expected = new[] { 2, 3, 4 };
        expected[a] = 5;
        Assert.Equal(new Shape(expected), y.Shape);
        AssertConcatenated(xs, axis, y);
    }

    [Fact]
    public void WorksForEveryElementSizeWithConstantAndRuntimeInputs()
    {
        foreach (var type in new[] { DataType.Int8, DataType.Float16, DataType.Int32, DataType.Int64, DataType.Bool })
        {
            Tensor[] xs = [Pattern(type, 2, 1, 3), Pattern(type, 2, 4, 3), Pattern(type, 2, 2, 3)];
            var y = GraphFactory.RunOp(new ConcatOp { Axis = 1 }, xs, 1, 1)[0];
            Assert.Equal(type, y.DataType);
            Assert.Equal(new Shape(2, 7, 3), y.Shape);
            AssertConcatenated(xs, 1, y);
        }
    }

    [Fact]
    public void IgnoresAnEmptyPlaceholderOfAnotherRank()
    {
        Tensor[] xs = [Iota(2, 2), Tensor.Zeros(DataType.Float32, new Shape(0)), Iota(2, 1)];
        var y = GraphFactory.RunOp(new ConcatOp { Axis = 1 }, xs)[0];
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.Equal(new float[] { 0, 1, 0, 2, 3, 1 }, y.ToArray<float>());
    }

    [Fact]
    public void RejectsMismatchedDimsTypesAndAxes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConcatOp { Axis = 0 }, [Iota(2, 3), Iota(2, 4)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConcatOp { Axis = 2 }, [Iota(2, 3), Iota(2, 3)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConcatOp { Axis = 0 }, [Iota(2, 3), Iota(2, 3, 1)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConcatOp { Axis = 0 }, [Iota(2), Longs(1, 2)]));
    }

    [Fact]
    public void RunAllocatesNothing() => AssertRunAllocatesNothing(new ConcatOp { Axis = -1 }, [Iota(2, 3, 5), Iota(2, 3, 1), Iota(2, 3, 2)], 1, 1);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_concat_1d_axis_0", "test_concat_1d_axis_negative_1", "test_concat_2d_axis_0", "test_concat_2d_axis_1",
        "test_concat_2d_axis_negative_1", "test_concat_2d_axis_negative_2", "test_concat_3d_axis_0", "test_concat_3d_axis_1",
        "test_concat_3d_axis_2", "test_concat_3d_axis_negative_1", "test_concat_3d_axis_negative_2", "test_concat_3d_axis_negative_3");
}
