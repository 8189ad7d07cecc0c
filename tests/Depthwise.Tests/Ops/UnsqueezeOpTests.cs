using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class UnsqueezeOpTests
{
    [Theory]
    [InlineData(new long[] { 0 }, new[] { 1, 3, 4 })]
    [InlineData(new long[] { 2 }, new[] { 3, 4, 1 })]
    [InlineData(new long[] { -1 }, new[] { 3, 4, 1 })]
    [InlineData(new long[] { 4, 0, 2 }, new[] { 1, 3, 1, 4, 1 })]
    [InlineData(new long[] { 1, -2 }, new[] { 3, 1, 1, 4 })]
    [InlineData(new long[] { }, new[] { 3, 4 })]
    public void InsertsUnitDimsAtOutputPositions(long[] axes, int[] expected)
    {
        var x = Iota(3, 4);
        var y = GraphFactory.RunOp(new UnsqueezeOp(), [x, Longs(axes)], 1, 1)[0];
        Assert.Equal(new Shape(expected), y.Shape);
        Assert.Equal(x.ToArray<float>(), y.ToArray<float>());
    }

    [Fact]
    public void UnsqueezesScalarsAndOtherTypes()
    {
        Assert.Equal(new Shape(1), GraphFactory.RunOp(new UnsqueezeOp(), [Tensor.Scalar(5L), Longs(0)], 1, 1)[0].Shape);
        var b = GraphFactory.RunOp(new UnsqueezeOp(), [Pattern(DataType.Bool, 2, 3), Longs(1)], 1, 1)[0];
        Assert.Equal(new Shape(2, 1, 3), b.Shape);
        Assert.Equal(Pattern(DataType.Bool, 2, 3).Bytes.ToArray(), b.Bytes.ToArray());
    }

    [Fact]
    public void RejectsRepeatedOrOutOfRangeAxes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new UnsqueezeOp(), [Iota(3), Longs(0, 0)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new UnsqueezeOp(), [Iota(3), Longs(0, -3)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new UnsqueezeOp(), [Iota(3), Longs(2)], 1, 1));
    }

    [Fact]
    public void ImportsTheOpset11AttributeForm()
    {
        Assert.Equal(new Shape(3, 1, 4, 1), Run("Unsqueeze", 11, [new(Iota(3, 4))], 1, n => n.Attribute.Add(Ints("axes", -1, 1)))[0].Shape);
        Assert.Throws<ModelFormatException>(() => Run("Unsqueeze", 9, [new(Iota(3, 4))], 1));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_unsqueeze_axis_0", "test_unsqueeze_axis_1", "test_unsqueeze_axis_2", "test_unsqueeze_axis_3", "test_unsqueeze_negative_axes",
        "test_unsqueeze_three_axes", "test_unsqueeze_two_axes", "test_unsqueeze_unsorted_axes");
}
