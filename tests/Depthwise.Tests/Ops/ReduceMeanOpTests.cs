using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class ReduceMeanOpTests
{
    [Fact]
    public void MatchesNaiveMeanForEveryAxisSubset() =>
        NaiveReduce.CheckAgainstNaive(keep => new ReduceMeanOp { KeepDims = keep }, b => b.Average(), 1e-5);

    [Fact]
    public void HandComputedMeans()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, 2, 3, 4, 5, 9 });
        Assert.Equal([2.5f, 3.5f, 6], GraphFactory.RunOp(new ReduceMeanOp { KeepDims = false }, [x, NaiveReduce.Axes(0)], 1, 1)[0].ToArray<float>());
        Assert.Equal([2f, 6], GraphFactory.RunOp(new ReduceMeanOp { KeepDims = false }, [x, NaiveReduce.Axes(-1)], 1, 1)[0].ToArray<float>());
        var all = GraphFactory.RunOp(new ReduceMeanOp(), [x], 1)[0];
        Assert.Equal(new Shape(1, 1), all.Shape);
        Assert.Equal([4f], all.ToArray<float>());
    }

    [Fact]
    public void EmptyGroupIsNaNAndIntegerMeansTruncate()
    {
        var y = GraphFactory.RunOp(new ReduceMeanOp(), [Tensor.Zeros(DataType.Float32, new Shape(0, 3)), NaiveReduce.Axes(0)], 1, 1)[0];
        Assert.Equal(new Shape(1, 3), y.Shape);
        Assert.All(y.ToArray<float>(), v => Assert.True(float.IsNaN(v)));
        var ints = Tensor.FromArray(new Shape(2, 2), new[] { 1, 2, 7, 8 });
        Assert.Equal([1, 7], GraphFactory.RunOp(new ReduceMeanOp { KeepDims = false }, [ints, NaiveReduce.Axes(1)], 1, 1)[0].ToArray<int>());
        var halves = Tensor.FromArray(new Shape(2), new[] { (Half)1, (Half)2 });
        Assert.Equal([(Half)1.5f], GraphFactory.RunOp(new ReduceMeanOp { KeepDims = false }, [halves], 1)[0].ToArray<Half>());
    }

    [Fact]
    public void NoopWithEmptyAxesPassesTheDataThrough()
    {
        var x = Tensor.FromArray(new Shape(3), new float[] { 1, 2, 6 });
        Assert.Equal([1f, 2, 6], GraphFactory.RunOp(new ReduceMeanOp { NoopWithEmptyAxes = true }, [x, NaiveReduce.Axes()], 1, 1)[0].ToArray<float>());
        Assert.Equal([3f], GraphFactory.RunOp(new ReduceMeanOp(), [x, NaiveReduce.Axes()], 1, 1)[0].ToArray<float>());
    }

    [Fact]
    public void ImportsAxesAttributeBeforeOpset18AndInputAt18()
    {
        var x = Tensor.FromArray(new Shape(2, 2), new float[] { 1, 2, 3, 4 });
        Assert.Equal([1.5f, 3.5f], new OnnxOneNodeModel("ReduceMean", 13).Input(x).Attr("axes", [-1L]).Attr("keepdims", 0L).Run().ToArray<float>());
        Assert.Equal([2f, 3], new OnnxOneNodeModel("ReduceMean", 18).Input(x).Constant(NaiveReduce.Axes(0)).Attr("keepdims", 0L).Run().ToArray<float>());
        Assert.Equal(new Shape(1, 1), new OnnxOneNodeModel("ReduceMean", 18).Input(x).Run().Shape);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_reduce_mean_default_axes_keepdims_example", "test_reduce_mean_default_axes_keepdims_random",
        "test_reduce_mean_do_not_keepdims_example", "test_reduce_mean_do_not_keepdims_random",
        "test_reduce_mean_keepdims_example", "test_reduce_mean_keepdims_random",
        "test_reduce_mean_negative_axes_keepdims_example", "test_reduce_mean_negative_axes_keepdims_random");
}
