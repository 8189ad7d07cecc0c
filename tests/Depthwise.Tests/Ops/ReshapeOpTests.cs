using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class ReshapeOpTests
{
    [Theory]
    [InlineData(new long[] { 6, 4 }, false, new[] { 6, 4 })]
    [InlineData(new long[] { -1, 2 }, false, new[] { 12, 2 })]
    [InlineData(new long[] { 0, -1 }, false, new[] { 2, 12 })]
    [InlineData(new long[] { 0, 0, 2, 2 }, false, new[] { 2, 3, 2, 2 })]
    [InlineData(new long[] { 24 }, true, new[] { 24 })]
    public void ReshapesKeepingTheBytes(long[] spec, bool allowZero, int[] expected)
    {
        var x = Iota(2, 3, 4);
        var y = GraphFactory.RunOp(new ReshapeOp { AllowZero = allowZero }, [x, Longs(spec)], 1, 1)[0];
        Assert.Equal(new Shape(expected), y.Shape);
        Assert.Equal(x.ToArray<float>(), y.ToArray<float>());
    }

    [Fact]
    public void AllowZeroMakesZeroAnEmptyDim()
    {
        Assert.Equal(new Shape(3, 0), GraphFactory.RunOp(new ReshapeOp { AllowZero = true }, [Iota(0, 3), Longs(3, 0)], 1, 1)[0].Shape);
        Assert.Equal(new Shape(0, 3), GraphFactory.RunOp(new ReshapeOp(), [Iota(0, 3), Longs(0, 3)], 1, 1)[0].Shape);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReshapeOp { AllowZero = true }, [Iota(2, 3), Longs(0, 6)], 1, 1));
    }

    [Fact]
    public void RejectsBadSpecs()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReshapeOp(), [Iota(2, 3), Longs(-1, -1)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReshapeOp(), [Iota(2, 3), Longs(4, -1)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReshapeOp(), [Iota(2, 3), Longs(7)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReshapeOp(), [Iota(2, 3), Longs(-2, 3)], 1, 1));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_reshape_allowzero_reordered", "test_reshape_extended_dims", "test_reshape_negative_dim", "test_reshape_negative_extended_dims",
        "test_reshape_one_dim", "test_reshape_reduced_dims", "test_reshape_reordered_all_dims", "test_reshape_reordered_last_dims",
        "test_reshape_zero_and_negative_dim", "test_reshape_zero_dim");
}
