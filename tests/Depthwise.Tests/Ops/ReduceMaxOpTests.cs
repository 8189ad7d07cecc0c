using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class ReduceMaxOpTests
{
    [Fact]
    public void MatchesNaiveMaxForEveryAxisSubset() =>
        NaiveReduce.CheckAgainstNaive(keep => new ReduceMaxOp { KeepDims = keep }, b => b.Max(), 0);

    [Fact]
    public void HandComputedMaxima()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, -2, 3, -4, 5, -6 });
        Assert.Equal([1f, 5, 3], GraphFactory.RunOp(new ReduceMaxOp { KeepDims = false }, [x, NaiveReduce.Axes(0)], 1, 1)[0].ToArray<float>());
        Assert.Equal([3f, 5], GraphFactory.RunOp(new ReduceMaxOp { KeepDims = false }, [x, NaiveReduce.Axes(1)], 1, 1)[0].ToArray<float>());
        Assert.Equal([5f], GraphFactory.RunOp(new ReduceMaxOp(), [x], 1)[0].ToArray<float>());
    }

    [Fact]
    public void NaNWinsAndEmptyGroupsGiveTheLowestValue()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, float.NaN, 3, -4, -5, -6 });
        var y = GraphFactory.RunOp(new ReduceMaxOp { KeepDims = false }, [x, NaiveReduce.Axes(1)], 1, 1)[0].ToArray<float>();
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(-4f, y[1]);
        var empty = GraphFactory.RunOp(new ReduceMaxOp(), [Tensor.Zeros(DataType.Float32, new Shape(2, 0)), NaiveReduce.Axes(1)], 1, 1)[0];
        Assert.Equal([float.NegativeInfinity, float.NegativeInfinity], empty.ToArray<float>());
        var emptyInts = GraphFactory.RunOp(new ReduceMaxOp(), [Tensor.Zeros(DataType.Int32, new Shape(0)), NaiveReduce.Axes(0)], 1, 1)[0];
        Assert.Equal([int.MinValue], emptyInts.ToArray<int>());
    }

    [Fact]
    public void IntegerTypes()
    {
        Assert.Equal([(sbyte)-1, (sbyte)7], GraphFactory.RunOp(new ReduceMaxOp { KeepDims = false }, [Tensor.FromArray(new Shape(2, 2), new sbyte[] { -3, -1, 7, -128 }), NaiveReduce.Axes(1)], 1, 1)[0].ToArray<sbyte>());
        Assert.Equal([(byte)255, (byte)9], GraphFactory.RunOp(new ReduceMaxOp { KeepDims = false }, [Tensor.FromArray(new Shape(2, 2), new byte[] { 255, 3, 9, 0 }), NaiveReduce.Axes(1)], 1, 1)[0].ToArray<byte>());
        Assert.Equal([long.MaxValue], GraphFactory.RunOp(new ReduceMaxOp { KeepDims = false }, [Tensor.FromArray(new Shape(2), new[] { long.MaxValue, 0L })], 1)[0].ToArray<long>());
    }

    [Fact]
    public void ImportsAxesAttributeBeforeOpset18AndInputAt18()
    {
        var x = Tensor.FromArray(new Shape(2, 2), new float[] { 1, 2, 4, 3 });
        Assert.Equal([2f, 4], new OnnxOneNodeModel("ReduceMax", 12).Input(x).Attr("axes", [1L]).Attr("keepdims", 0L).Run().ToArray<float>());
        Assert.Equal([4f, 3], new OnnxOneNodeModel("ReduceMax", 18).Input(x).Constant(NaiveReduce.Axes(-2)).Attr("keepdims", 0L).Run().ToArray<float>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_reduce_max_default_axes_keepdim_example", "test_reduce_max_default_axes_keepdims_random",
        "test_reduce_max_do_not_keepdims_example", "test_reduce_max_do_not_keepdims_random",
        "test_reduce_max_keepdims_example", "test_reduce_max_keepdims_random",
        "test_reduce_max_negative_axes_keepdims_example", "test_reduce_max_negative_axes_keepdims_random");
}
