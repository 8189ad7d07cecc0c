using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class SigmoidOpTests
{
    private static double Reference(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new SigmoidOp(), Reference);

    [Fact]
    public void ComputesFloat16ThroughFloat32() => AssertHalfMatches(() => new SigmoidOp(), Reference);

    [Fact]
    public void RejectsIntegerInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SigmoidOp(), [Tensor.FromArray(new Shape(2), new[] { 1, 2 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_sigmoid", "test_sigmoid_example");
}
