using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class ExpandOpTests
{
    /// <summary>Naive broadcast: each output index reads the input at the same trailing index, 0 where the input dim is 1.</summary>
    private static void AssertExpanded(Tensor x, Shape expected, Tensor y)
    {
        Assert.Equal(expected, y.Shape);
        int lead = expected.Rank - x.Shape.Rank;
        for (int f = 0; f < y.ElementCount; f++)
        {
            var o = Unflatten(y.Shape, f);
            var i = Enumerable.Range(0, x.Shape.Rank).Select(d => x.Shape[d] == 1 ? 0 : o[d + lead]).ToArray();
            Assert.Equal(Element(x, Flatten(x.Shape, i)), Element(y, f));
        }
    }

    [Theory]
    [InlineData(new[] { 3, 1 }, new long[] { 2, 1, 6 }, new[] { 2, 3, 6 })]
    [InlineData(new[] { 1, 4 }, new long[] { 3, 1 }, new[] { 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new long[] { 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 1, 4 }, new long[] { 1, 1, 5, 1 }, new[] { 1, 2, 5, 4 })]
    [InlineData(new[] { 1 }, new long[] { 7 }, new[] { 7 })]
    [InlineData(new int[0], new long[] { 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 3, 1 }, new long[] { 0 }, new[] { 3, 0 })]
    [InlineData(new[] { 2, 3 }, new long[0], new[] { 2, 3 })]
    public void BroadcastsBothWays(int[] input, long[] shape, int[] expected)
    {
        var x = Iota(input);
        AssertExpanded(x, new Shape(expected), GraphFactory.RunOp(new ExpandOp(), [x, Longs(shape)], 1, 1)[0]);
    }

    [Fact]
    public void EveryElementSize()
    {
        foreach (var type in new[] { DataType.Int8, DataType.Float16, DataType.Int32, DataType.Int64, DataType.Bool })
        {
            var x = Pattern(type, 3, 1, 2);
            AssertExpanded(x, new Shape(2, 3, 5, 2), GraphFactory.RunOp(new ExpandOp(), [x, Longs(2, 1, 5, 1)], 1, 1)[0]);
        }
    }

    [Fact]
    public void RejectsIncompatibleShapes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ExpandOp(), [Iota(3, 2), Longs(3, 3)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ExpandOp(), [Iota(3), Longs(-1)], 1, 1));
    }

    [Fact]
    public void RunAllocatesNothing() => AssertRunAllocatesNothing(new ExpandOp(), [Iota(3, 1, 4), Longs(2, 3, 5, 4)], 1, 1);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_expand_dim_changed", "test_expand_dim_unchanged");

    /// <summary>The "simple" model tests next to the node tests: Expand with shapes of other ranks, fed at run time.</summary>
    [SkippableFact]
    public void PassesOnnxSimpleModelTests() => NodeTests.AssertPass(
        "../simple/test_expand_shape_model1", "../simple/test_expand_shape_model2", "../simple/test_expand_shape_model3", "../simple/test_expand_shape_model4");
}
