using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class AbsOpTests
{
    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new AbsOp(), Math.Abs);

    [Fact]
    public void ClearsTheSignOfNegativeZero() =>
        Assert.False(float.IsNegative(GraphFactory.RunOp(new AbsOp(), [Tensor.Scalar(-0f)])[0].ToArray<float>()[0]));

    [Fact]
    public void ComputesFloat16() => AssertHalfMatches(() => new AbsOp(), Math.Abs);

    [Fact]
    public void HandlesEveryIntegerTypeWithoutThrowingOnMinValue()
    {
        Assert.Equal(new sbyte[] { 5, 5, 0, -128, 127 },
            GraphFactory.RunOp(new AbsOp(), [Tensor.FromArray(new Shape(5), new sbyte[] { 5, -5, 0, -128, -127 })])[0].ToArray<sbyte>());
        Assert.Equal(new byte[] { 0, 200, 255 },
            GraphFactory.RunOp(new AbsOp(), [Tensor.FromArray(new Shape(3), new byte[] { 0, 200, 255 })])[0].ToArray<byte>());
        Assert.Equal(new[] { 7, int.MinValue, int.MaxValue },
            GraphFactory.RunOp(new AbsOp(), [Tensor.FromArray(new Shape(3), new[] { -7, int.MinValue, -int.MaxValue })])[0].ToArray<int>());
        Assert.Equal(new[] { 7L, long.MinValue, 0L },
            GraphFactory.RunOp(new AbsOp(), [Tensor.FromArray(new Shape(3), new[] { -7L, long.MinValue, 0L })])[0].ToArray<long>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_abs");
}
