using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class ReciprocalOpTests
{
    private static double Reference(double x) => 1 / x;

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new ReciprocalOp(), Reference);

    [Fact]
    public void ComputesFloat16ThroughFloat32() => AssertHalfMatches(() => new ReciprocalOp(), Reference);

    [Fact]
    public void RejectsIntegerInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReciprocalOp(), [Tensor.FromArray(new Shape(2), new[] { 1, 2 })]));

    [Fact]
    public void SignedZeroGivesSignedInfinity() =>
        Assert.Equal(new[] { float.PositiveInfinity, float.NegativeInfinity },
            GraphFactory.RunOp(new ReciprocalOp(), [Tensor.FromArray(new Shape(2), new[] { 0f, -0f })])[0].ToArray<float>());

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_reciprocal", "test_reciprocal_example");
}
