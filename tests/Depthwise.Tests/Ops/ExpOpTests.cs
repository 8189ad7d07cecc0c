using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class ExpOpTests
{
    private static double Reference(double x) => Math.Exp(x);

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new ExpOp(), Reference);

    [Fact]
    public void ComputesFloat16ThroughFloat32() => AssertHalfMatches(() => new ExpOp(), Reference);

    [Fact]
    public void RejectsIntegerInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ExpOp(), [Tensor.FromArray(new Shape(2), new[] { 1, 2 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_exp", "test_exp_example");
}
