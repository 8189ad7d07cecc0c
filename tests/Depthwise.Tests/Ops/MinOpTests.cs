using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class MinOpTests : VariadicOpTestBase
{
    protected override Op CreateOp() => new MinOp();

    protected override float Fold(float acc, float x) => float.Min(acc, x);

    [Fact]
    public void PropagatesNaNAndPrefersNegativeZero()
    {
        var y = GraphFactory.RunOp(new MinOp(), [Tensor.FromArray(new Shape(3), new[] { float.NaN, 1f, 0f }), Tensor.FromArray(new Shape(3), new[] { 1f, float.NaN, -0f })])[0].ToArray<float>();
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[1]));
        Assert.True(float.IsNegative(y[2]));
    }

    [Fact]
    public void ComputesEveryIntegerType()
    {
        Assert.Equal(new sbyte[] { -128, -5 }, GraphFactory.RunOp(new MinOp(), [Tensor.FromArray(new Shape(2), new sbyte[] { -128, -1 }), Tensor.FromArray(new Shape(2), new sbyte[] { 3, -5 })])[0].ToArray<sbyte>());
        Assert.Equal(new byte[] { 3, 1 }, GraphFactory.RunOp(new MinOp(), [Tensor.FromArray(new Shape(2), new byte[] { 200, 1 }), Tensor.FromArray(new Shape(2), new byte[] { 3, 7 })])[0].ToArray<byte>());
        Assert.Equal(new[] { 0, int.MinValue }, GraphFactory.RunOp(new MinOp(), [Tensor.FromArray(new Shape(2), new[] { int.MaxValue, int.MinValue }), Tensor.FromArray(new Shape(1), new[] { 0 })])[0].ToArray<int>());
        Assert.Equal(new[] { long.MinValue, 4L }, GraphFactory.RunOp(new MinOp(), [Tensor.FromArray(new Shape(2), new[] { 5L, long.MaxValue }), Tensor.FromArray(new Shape(2), new[] { long.MinValue, 4L })])[0].ToArray<long>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_min_example", "test_min_float16", "test_min_float32", "test_min_int32", "test_min_int64", "test_min_int8", "test_min_one_input", "test_min_two_inputs", "test_min_uint8");
}
