using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class NegOpTests
{
    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new NegOp(), x => -x);

    [Fact]
    public void FlipsTheSignOfZero() =>
        Assert.True(float.IsNegative(GraphFactory.RunOp(new NegOp(), [Tensor.Scalar(0f)])[0].ToArray<float>()[0]));

    [Fact]
    public void ComputesFloat16() => AssertHalfMatches(() => new NegOp(), x => -x);

    [Fact]
    public void NegatesIntegersWrappingAtMinValue()
    {
        Assert.Equal(new sbyte[] { -5, 5, 0, -128, -127 },
            GraphFactory.RunOp(new NegOp(), [Tensor.FromArray(new Shape(5), new sbyte[] { 5, -5, 0, -128, 127 })])[0].ToArray<sbyte>());
        Assert.Equal(new[] { -7, int.MinValue, 0 },
            GraphFactory.RunOp(new NegOp(), [Tensor.FromArray(new Shape(3), new[] { 7, int.MinValue, 0 })])[0].ToArray<int>());
        Assert.Equal(new[] { -7L, long.MinValue, -long.MaxValue },
            GraphFactory.RunOp(new NegOp(), [Tensor.FromArray(new Shape(3), new[] { 7L, long.MinValue, long.MaxValue })])[0].ToArray<long>());
    }

    [Fact]
    public void RejectsUnsignedInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new NegOp(), [Tensor.FromArray(new Shape(1), new byte[] { 1 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_neg", "test_neg_example");
}
