using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class SqueezeOpTests
{
    [Theory]
    [InlineData(new long[] { 0 }, new[] { 3, 1, 4, 1 })]
    [InlineData(new long[] { 4, 2 }, new[] { 1, 3, 4 })]
    [InlineData(new long[] { -1, -3 }, new[] { 1, 3, 4 })]
    [InlineData(new long[] { 2, -3 }, new[] { 1, 3, 4, 1 })]
    [InlineData(new long[] { }, new[] { 3, 4 })]
    public void RemovesTheGivenUnitAxes(long[] axes, int[] expected)
    {
        var x = Iota(1, 3, 1, 4, 1);
        var y = GraphFactory.RunOp(new SqueezeOp(), [x, Longs(axes)], 1, 1)[0];
        Assert.Equal(new Shape(expected), y.Shape);
        Assert.Equal(x.ToArray<float>(), y.ToArray<float>());
    }

    [Fact]
    public void WithoutAxesRemovesEveryUnitDim()
    {
        Assert.Equal(new Shape(3, 4), GraphFactory.RunOp(new SqueezeOp(), [Iota(1, 3, 1, 4, 1)])[0].Shape);
        Assert.Equal(Shape.Scalar, GraphFactory.RunOp(new SqueezeOp(), [Iota(1, 1)])[0].Shape);
        var b = GraphFactory.RunOp(new SqueezeOp(), [Pattern(DataType.Int64, 2, 1, 0)])[0];
        Assert.Equal(new Shape(2, 0), b.Shape);
    }

    [Fact]
    public void RejectsNonUnitOrOutOfRangeAxes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SqueezeOp(), [Iota(1, 3), Longs(1)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SqueezeOp(), [Iota(1, 3), Longs(2)], 1, 1));
    }

    [Fact]
    public void ImportsTheOpset11AttributeForm()
    {
        Assert.Equal(new Shape(3, 1), Run("Squeeze", 11, [new(Iota(1, 3, 1))], 1, n => n.Attribute.Add(Ints("axes", 0)))[0].Shape);
        Assert.Equal(new Shape(3), Run("Squeeze", 7, [new(Iota(1, 3, 1))], 1)[0].Shape);
        Assert.Equal(new Shape(3, 1), Run("Squeeze", 13, [new(Iota(1, 3, 1)), new(Longs(-3), true)], 1)[0].Shape);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_squeeze", "test_squeeze_negative_axes");
}
