using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class MaxOpTests : VariadicOpTestBase
{
    protected override Op CreateOp() => new MaxOp();

    protected override float Fold(float acc, float x) => float.Max(acc, x);

    [Fact]
    public void PropagatesNaNAndPrefersPositiveZero()
    {
        var y = GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(3), new[] { float.NaN, 1f, -0f }), Tensor.FromArray(new Shape(3), new[] { 1f, float.NaN, 0f })])[0].ToArray<float>();
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[1]));
        Assert.False(float.IsNegative(y[2]));
    }

    [Fact]
    public void ComputesEveryIntegerType()
    {
        Assert.Equal(new sbyte[] { 3, -1 }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new sbyte[] { -128, -1 }), Tensor.FromArray(new Shape(2), new sbyte[] { 3, -5 })])[0].ToArray<sbyte>());
        Assert.Equal(new byte[] { 200, 7 }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new byte[] { 200, 1 }), Tensor.FromArray(new Shape(2), new byte[] { 3, 7 })])[0].ToArray<byte>());
        Assert.Equal(new[] { int.MaxValue, 0 }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new[] { int.MaxValue, int.MinValue }), Tensor.FromArray(new Shape(1), new[] { 0 })])[0].ToArray<int>());
        Assert.Equal(new[] { 5L, long.MaxValue }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new[] { 5L, long.MaxValue }), Tensor.FromArray(new Shape(2), new[] { long.MinValue, 4L })])[0].ToArray<long>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_max_example", "test_max_float16", "test_max_float32", "test_max_int32", "test_max_int64", "test_max_int8", "test_max_one_input", "test_max_two_inputs", "test_max_uint8");
}
